// Benchmark: a worker that does what many do on every request beyond a plain answer (parse
// the URL, sort names the way people read them, stamp the time, make an id), identical for
// workerd and capmesh. Its first answer shows what a start costs a worker that touches dates,
// Intl and Unicode regular expressions, which hello world does not.
export default {
  async fetch(request) {
    const url = new URL(request.url);
    const names = (url.searchParams.get('names') || 'zoë,Émile,adam').split(',');
    names.sort((a, b) => a.localeCompare(b));
    return Response.json({
      id: crypto.randomUUID(),
      path: url.pathname,
      at: new Date().toISOString(),
      names,
      valid: /^[\p{L}\d-]+$/u.test(names[0]),
      total: (1234.5).toLocaleString('en-US'),
    });
  },
};
