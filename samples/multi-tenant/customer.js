// One tenant's API over its own bucket (env.FILES) and KV namespace (env.SETTINGS):
//   PUT/GET/HEAD/DELETE /files/KEY   an object, streamed both ways (env.FILES.fetch does the HTTP)
//   GET /files                       the tenant's object keys, as JSON
//   PUT /settings/NAME  (body)       GET /settings/NAME       a setting
//   GET /whoami                      the tenant's name
export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    if (url.pathname === '/whoami') return new Response(env.TENANT + '\n');
    if (url.pathname === '/files') {
      const { objects } = await env.FILES.list();
      return Response.json(objects.map((o) => o.key));
    }
    if (url.pathname.startsWith('/files/')) {
      // The rest of the path is the key, as the client wrote it (percent-escapes and all).
      return env.FILES.fetch(url.pathname.slice('/files'.length), {
        method: request.method,
        headers: request.headers,
        body: request.method === 'PUT' ? request.body : undefined,
      });
    }
    if (url.pathname.startsWith('/settings/')) {
      const name = decodeURIComponent(url.pathname.slice('/settings/'.length));
      if (request.method === 'PUT') {
        await env.SETTINGS.put(name, await request.text());
        return new Response('saved\n');
      }
      const value = await env.SETTINGS.get(name);
      return value === null ? new Response('no such setting\n', { status: 404 }) : new Response(value);
    }
    return new Response('not found\n', { status: 404 });
  },
};
