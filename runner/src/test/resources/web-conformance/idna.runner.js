// Turns one IDNA case into a plain record: the same shape as url.runner.js (a copy of it, so that
// each area keeps its own runner file); the file is one expression.
(function () {
  const PROPS = ['href', 'protocol', 'username', 'password', 'host', 'hostname', 'port',
    'pathname', 'search', 'hash', 'origin'];
  const record = (u) => {
    const out = {};
    for (const p of PROPS) out[p] = u[p];
    return out;
  };
  const attempt = (fn) => {
    try { return fn(); } catch (e) { return { throws: e.name }; }
  };
  return async function run(c) {
    if ('canParse' in c) {
      return { canParse: c.base === undefined ? URL.canParse(c.canParse) : URL.canParse(c.canParse, c.base) };
    }
    if ('set' in c) {
      return attempt(() => {
        const u = new URL(c.href);
        const threw = attempt(() => { u[c.set] = c.value; return null; });
        const out = record(u);
        if (threw) out.threw = threw.throws;
        return out;
      });
    }
    if ('params' in c) {
      return attempt(() => {
        const u = new URL(c.href);
        const p = u.searchParams;
        const seen = [];
        for (const [op, ...args] of c.params) {
          if (op === 'search' || op === 'href') { u[op] = args[0]; continue; }
          const r = p[op](...args);
          if (r !== undefined) seen.push(r);
        }
        return { href: u.href, search: u.search, params: p.toString(), seen, same: u.searchParams === p };
      });
    }
    return attempt(() => record(c.base === undefined ? new URL(c.input) : new URL(c.input, c.base)));
  };
})()
