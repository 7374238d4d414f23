// The capmesh side of bench/crypto/hmac.sh: the key is imported once, at module scope.
import { handle, importKey } from './hmac.js';

const imported = importKey(crypto.subtle);

export default {
  async fetch(request, env) {
    const out = await handle(request.url, crypto.subtle, imported, env.KEY);
    return new Response(JSON.stringify(out), { headers: { 'content-type': 'application/json' } });
  },
};
