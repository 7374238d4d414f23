// Turns one atob/btoa case into a plain record (see url.runner.js).
(function () {
  const esc = (s) => {
    let out = '';
    for (let i = 0; i < s.length; i++) {
      const u = s.charCodeAt(i);
      out += u >= 0x20 && u < 0x7f && u !== 0x5c ? s[i] : '\\u' + u.toString(16).padStart(4, '0');
    }
    return out;
  };
  const arg = (c, key) => (c.value === 'undefined' ? undefined : c.value === 'null' ? null : c[key]);
  return async function run(c) {
    try {
      if ('btoa' in c) return { result: c.noArgs ? btoa() : btoa(arg(c, 'btoa')) };
      return { result: esc(c.noArgs ? atob() : atob(arg(c, 'atob'))) };
    } catch (e) {
      return { throws: e.name };
    }
  };
})()
