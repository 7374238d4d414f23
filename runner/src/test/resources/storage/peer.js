import { WorkerEntrypoint } from 'cloudflare:workers';
export default class extends WorkerEntrypoint {
  async take(x) { return JSON.stringify(x); }
  async fetch() { return new Response('peer'); }
}
