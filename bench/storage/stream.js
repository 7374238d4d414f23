// PUT /MODE/KEY stores the request body; GET /MODE/KEY answers the object's body.
// MODE "direct": the bodies go from socket to store and back without entering JavaScript.
// MODE "js": each chunk passes through a TransformStream inside the worker.
export default {
  async fetch(request, env) {
    const [, mode, key] = new URL(request.url).pathname.split('/');
    const through = (s) => (mode === 'js' ? s.pipeThrough(new TransformStream()) : s);
    if (request.method === 'PUT') {
      const o = await env.STORAGE.put(key, through(request.body));
      return Response.json({ size: o.size, etag: o.etag });
    }
    const o = await env.STORAGE.get(key);
    return o === null ? new Response('no such object\n', { status: 404 }) : new Response(through(o.body));
  },
};
