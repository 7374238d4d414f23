// Turns one Request/Response case into a plain record (see url.runner.js).
(function () {
  const body = (b) => {
    if (b === undefined || b === null || typeof b === 'string') return b;
    if ('bytes' in b) return new Uint8Array(b.bytes);
    if ('params' in b) return new URLSearchParams(b.params);
    throw new Error('unknown body in case');
  };
  const init = (i) => (i && 'body' in i ? { ...i, body: body(i.body) } : i);
  const attempt = async (fn) => {
    try { return await fn(); } catch (e) { return { throws: e.name }; }
  };
  async function ops(r, list) {
    const out = [];
    for (const op of list || []) {
      out.push(await attempt(async () => {
        switch (op) {
          case 'text': return await r.text();
          case 'json': return await r.json();
          case 'bytes': return Array.from(new Uint8Array(await r.arrayBuffer()));
          case 'bodyUsed': return r.bodyUsed;
          case 'clone': { const c = r.clone(); return [await c.text(), await r.text(), c.bodyUsed, r.bodyUsed]; }
          case 'append': r.headers.append('x-added', '1'); return r.headers.get('x-added');
          case 'set-content-type': r.headers.set('content-type', 'a/b'); return r.headers.get('content-type');
          default: throw new Error('unknown op ' + op);
        }
      }));
    }
    return out;
  }
  return async function run(c) {
    return attempt(async () => {
      if ('request' in c) {
        const r = c.fromRequest
          ? new Request(new Request(c.request, init(c.fromRequest)), init(c.init))
          : new Request(c.request, init(c.init));
        return { method: r.method, url: r.url, redirect: r.redirect, headers: [...r.headers],
          hasBody: r.body !== null, bodyUsed: r.bodyUsed, results: await ops(r, c.ops) };
      }
      let r;
      if (c.response === 'json') r = c.args.length === 1 ? Response.json(c.args[0]) : Response.json(c.args[0], c.args[1]);
      else if (c.response === 'redirect') r = c.args.length === 1 ? Response.redirect(c.args[0]) : Response.redirect(c.args[0], c.args[1]);
      else if (c.response === 'error') r = Response.error();
      else r = 'init' in c ? new Response(body(c.body), c.init) : new Response(body(c.body));
      return { status: r.status, statusText: r.statusText, ok: r.ok, type: r.type, redirected: r.redirected,
        url: r.url, headers: [...r.headers], hasBody: r.body !== null, bodyUsed: r.bodyUsed,
        results: await ops(r, c.ops) };
    });
  };
})()
