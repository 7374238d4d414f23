import { WorkerEntrypoint } from "cloudflare:workers";
export class Admin extends WorkerEntrypoint {
  async stats() { return { ok: true }; }
}
export default {
  async fetch(request, env) {
    return env.AUTH.fetch(request);
  },
};
