// Turns one Headers case into a plain record (see url.runner.js).
(function () {
  const attempt = (fn) => {
    try { return fn(); } catch (e) { return { throws: e.name }; }
  };
  return async function run(c) {
    return attempt(() => {
      const h = 'init' in c ? new Headers(c.copy ? new Headers(c.init) : c.init) : new Headers();
      const results = [];
      for (const [op, ...args] of c.ops || []) {
        results.push(attempt(() => {
          if (op === 'forEach') { const seen = []; h.forEach((v, k) => seen.push(k + ': ' + v)); return seen; }
          if (op === 'keys' || op === 'values') return [...h[op]()];
          const v = h[op](...args);
          return v === undefined ? 'undefined' : v;
        }));
      }
      return { entries: [...h], results };
    });
  };
})()
