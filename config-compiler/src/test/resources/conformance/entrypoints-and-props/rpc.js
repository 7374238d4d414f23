import { WorkerEntrypoint } from "cloudflare:workers";
export class Admin extends WorkerEntrypoint {
  fetch() { return new Response(JSON.stringify(this.ctx.props)); }
}
export default { fetch() { return new Response("public"); } };
