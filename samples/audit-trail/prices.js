import { WorkerEntrypoint } from 'cloudflare:workers';

export class Prices extends WorkerEntrypoint {
  quote(item, currency) {
    return currency === 'USD' ? 11 : 10;
  }
}
