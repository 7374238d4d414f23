// Turns one crypto.subtle case into a plain record (see url.runner.js). Cases are data:
//   {call: method, args: [...]}      calls crypto.subtle[method](...args) and describes the result
//                                    (with "export": format, also the resulting key exported)
//   {signVerify: {...}}              signs with one key, verifies with another (randomized schemes)
//   {encryptDecrypt: {...}}          encrypts, decrypts, and reports the round trip (RSA-OAEP)
//   {wrapUnwrap: {...}}              wraps, unwraps, and exports the unwrapped key as raw
// In args, {"$hex": "..."} is a Uint8Array, {"$utf8": "..."} its UTF-8 bytes, and
// {"$key": [format, keyData, algorithm, extractable, usages]} a key imported first (the format,
// keyData and algorithm being resolved the same way). Deterministic results are compared as they
// are; keys by their type, extractable, algorithm and usages; thrown errors by their name.
// Randomized schemes are crossed: cases with "origin": "node" carry a signature or RSA-OAEP
// ciphertext Node made (capmesh must accept it); "origin": "capmesh" ones were made by capmesh
// (Node accepted them when the expected file was written). scripts/make-crypto-cases.mjs made
// the cases; "exclude" marks where Node 20 departs from the WebCrypto spec, with the reason.
(function () {
  const s = crypto.subtle;
  const hex = (b) => Array.from(new Uint8Array(b), (x) => x.toString(16).padStart(2, '0')).join('');
  const unhex = (h) => {
    const out = new Uint8Array(h.length / 2);
    for (let i = 0; i < out.length; i++) out[i] = parseInt(h.substr(i * 2, 2), 16);
    return out;
  };
  async function resolve(v) {
    if (Array.isArray(v)) { const out = []; for (const x of v) out.push(await resolve(x)); return out; }
    if (v === null || typeof v !== 'object') return v;
    if ('$hex' in v) return unhex(v.$hex);
    if ('$utf8' in v) return new TextEncoder().encode(v.$utf8);
    if ('$key' in v) { const a = await resolve(v.$key); return s.importKey(a[0], a[1], a[2], a[3], a[4]); }
    const out = {};
    for (const k of Object.keys(v)) out[k] = await resolve(v[k]);
    return out;
  }
  const sorted = (o) => {
    if (Array.isArray(o)) return o.map(sorted);
    if (o instanceof Uint8Array) return Array.from(o);
    if (o === null || typeof o !== 'object') return o;
    const out = {};
    for (const k of Object.keys(o).sort()) out[k] = sorted(o[k]);
    return out;
  };
  function describe(r) {
    if (r instanceof ArrayBuffer) return { bytes: hex(r) };
    if (typeof r === 'boolean') return { bool: r };
    if (r instanceof CryptoKey) {
      return { key: { type: r.type, extractable: r.extractable, algorithm: sorted(r.algorithm), usages: [...r.usages].sort() } };
    }
    if (r && r.publicKey && r.privateKey) return { pair: [describe(r.publicKey), describe(r.privateKey)] };
    if (r && typeof r === 'object') return { jwk: sorted(r) };
    return { other: String(r) };
  }
  return async function run(c) {
    try {
      if (c.call) {
        const args = await resolve(c.args);
        const r = await s[c.call](...args);
        const out = describe(r);
        // Then export the resulting key, e.g. to compare derived or unwrapped key bytes.
        if (c.export) out.exported = describe(await s.exportKey(c.export, r));
        return out;
      }
      if (c.signVerify) {
        const v = await resolve(c.signVerify);
        const sig = await s.sign(v.alg, v.privateKey, v.data);
        const other = new Uint8Array(v.data.length + 1);
        return { length: sig.byteLength, verifies: await s.verify(v.alg, v.publicKey, sig, v.data),
          otherData: await s.verify(v.alg, v.publicKey, sig, other) };
      }
      if (c.encryptDecrypt) {
        const v = await resolve(c.encryptDecrypt);
        const ct = await s.encrypt(v.alg, v.publicKey, v.data);
        return { length: ct.byteLength, back: hex(await s.decrypt(v.alg, v.privateKey, ct)) };
      }
      if (c.wrapUnwrap) {
        const v = await resolve(c.wrapUnwrap);
        const wrapped = await s.wrapKey(v.format, v.key, v.wrappingKey, v.alg);
        const back = await s.unwrapKey(v.format, wrapped, v.wrappingKey, v.alg, v.keyAlg, true, v.usages);
        return { back: describe(back), raw: hex(await s.exportKey('raw', back)) };
      }
      return { runnerError: 'unknown case' };
    } catch (e) {
      return { throws: e.name };
    }
  };
})()
