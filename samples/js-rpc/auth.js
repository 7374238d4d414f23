// An RPC service: callers with a binding to the "Auth" entrypoint call its methods directly.
import { WorkerEntrypoint } from "cloudflare:workers";

export class Auth extends WorkerEntrypoint {
  async verify(token) {
    if (token !== `secret-for-${this.ctx.props.tenant}`) {
      throw new Error("invalid token");
    }
    return { user: "alice", tenant: this.ctx.props.tenant, checkedAt: new Date(0) };
  }
}

export default {
  async fetch() {
    return new Response("auth speaks RPC, not HTTP", { status: 404 });
  },
};
