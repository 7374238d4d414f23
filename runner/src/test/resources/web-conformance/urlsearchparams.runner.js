// Turns one URLSearchParams case into a plain record (see url.runner.js for how it is used).
(function () {
  const attempt = (fn) => {
    try { return fn(); } catch (e) { return { throws: e.name }; }
  };
  return async function run(c) {
    return attempt(() => {
      let p;
      if ('init' in c) p = new URLSearchParams(c.init);
      else if ('copyOf' in c) p = new URLSearchParams(new URLSearchParams(c.copyOf));
      else p = new URLSearchParams();
      const results = [];
      for (const [op, ...args] of c.ops || []) {
        const r = attempt(() => {
          if (op === 'forEach') { const seen = []; p.forEach((v, k) => seen.push(k + '=' + v)); return seen; }
          if (op === 'keys' || op === 'values') return [...p[op]()];
          const v = p[op](...args);
          return v === undefined ? 'undefined' : v;
        });
        results.push(r);
      }
      return { entries: [...p], size: p.size, string: p.toString(), results };
    });
  };
})()
