// A KV namespace served over workerd's KV HTTP protocol, in memory (for KvBindingTest).
const store = new Map(); // key -> { value: Uint8Array, metadata: string | null, expiration: number }
export default {
  async fetch(request) {
    const url = new URL(request.url);
    const now = Math.floor(Date.now() / 1000);
    const live = (e) => e && !(e.expiration && e.expiration <= now);
    if (url.pathname === '/fail') return new Response('no', { status: 500 });
    if (url.pathname === '/' && request.method === 'GET') {
      const prefix = url.searchParams.get('prefix') || '';
      const limit = Number(url.searchParams.get('key_count_limit') || 1000);
      const start = Number(url.searchParams.get('cursor') || 0);
      const names = [...store.keys()].filter((k) => k.startsWith(prefix) && live(store.get(k))).sort();
      const done = start + limit >= names.length;
      const keys = names.slice(start, start + limit).map((name) => {
        const e = store.get(name);
        const k = { name };
        if (e.expiration) k.expiration = e.expiration;
        if (e.metadata !== null) k.metadata = JSON.parse(e.metadata);
        return k;
      });
      return Response.json(done ? { keys, list_complete: true } : { keys, list_complete: false, cursor: String(start + limit) });
    }
    if (url.searchParams.get('urlencoded') !== 'true') return new Response('urlencoded=true expected', { status: 400 });
    const key = decodeURIComponent(url.pathname.slice(1));
    if (key === 'broken') return new Response('backend down', { status: 503 });
    switch (request.method) {
      case 'GET': {
        const e = store.get(key);
        if (!live(e)) return new Response('not found', { status: 404 });
        return new Response(e.value, { headers: e.metadata === null ? {} : { 'CF-KV-Metadata': e.metadata } });
      }
      case 'PUT': {
        const ttl = url.searchParams.get('expiration_ttl');
        const at = url.searchParams.get('expiration');
        store.set(key, { value: new Uint8Array(await request.arrayBuffer()), metadata: request.headers.get('CF-KV-Metadata'),
          expiration: ttl ? now + Number(ttl) : at ? Number(at) : 0 });
        return new Response(null);
      }
      case 'DELETE':
        store.delete(key);
        return new Response(null);
      default:
        return new Response('method not allowed', { status: 405 });
    }
  },
};
