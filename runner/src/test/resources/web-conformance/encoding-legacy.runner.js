// Turns one legacy-encoding TextDecoder case into a plain record (the same shape as encoding.runner.js).
(function () {
  const attempt = (fn) => {
    try { return fn(); } catch (e) { return { throws: e.name }; }
  };
  // Every code unit outside printable ASCII as \uXXXX, so lone surrogates survive JSON.
  const esc = (s) => {
    let out = '';
    for (let i = 0; i < s.length; i++) {
      const u = s.charCodeAt(i);
      out += u >= 0x20 && u < 0x7f && u !== 0x5c ? s[i] : '\\u' + u.toString(16).padStart(4, '0');
    }
    return out;
  };
  const view = (bytes, as) => {
    const u8 = new Uint8Array(bytes);
    if (as === 'ArrayBuffer') return u8.buffer;
    if (as === 'DataView') return new DataView(u8.buffer);
    if (as === 'offset') { const big = new Uint8Array(u8.length + 2); big.set(u8, 1); return big.subarray(1, 1 + u8.length); }
    return u8;
  };
  return async function run(c) {
    return attempt(() => {
      if ('encode' in c) {
        const e = new TextEncoder();
        return { encoding: e.encoding, bytes: Array.from(c.encode === null ? e.encode() : e.encode(c.encode)) };
      }
      if ('encodeInto' in c) {
        const dest = new Uint8Array(c.size);
        const r = new TextEncoder().encodeInto(c.encodeInto, dest);
        return { read: r.read, written: r.written, bytes: Array.from(dest) };
      }
      const d = 'label' in c ? new TextDecoder(c.label, c.options) : new TextDecoder(undefined, c.options);
      const out = { encoding: d.encoding, fatal: d.fatal, ignoreBOM: d.ignoreBOM };
      if ('decode' in c) out.text = esc(d.decode(view(c.decode, c.as)));
      if ('chunks' in c) {
        out.pieces = c.chunks.map((chunk) => attempt(() => esc(d.decode(new Uint8Array(chunk), { stream: true }))));
        out.end = attempt(() => esc(d.decode()));
        if ('again' in c) out.again = attempt(() => esc(d.decode(new Uint8Array(c.again))));
      }
      return out;
    });
  };
})()
