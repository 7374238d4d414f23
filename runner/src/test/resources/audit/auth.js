// The callee of BindingUseEmissionTest: JS RPC and HTTP, and a KV use of its own.
import { WorkerEntrypoint } from 'cloudflare:workers';
export default class extends WorkerEntrypoint {
  async check(user) {
    await this.env.SESSIONS.get('session:' + user);
    return 'ok ' + user;
  }
  async fetch(req) {
    await this.env.SESSIONS.get('hit');
    return new Response('auth says hi');
  }
}
