// capmesh worker runtime, part 5: crypto.subtle and CryptoKey. Evaluated once per context as a
// function of (host, internal), after web-core.js and web-url.js. The key material never enters
// JavaScript: a CryptoKey holds, in a #private field, an opaque host handle with no members,
// which only the host's crypto hook can use; nothing here hands the handle to worker code.
(function capmeshSetup_crypto(host, internal) {
  'use strict';
  const { DOMException, toUint8, exactBuffer, latin1ToBytes } = internal;
  const { typedBuffer, typedByteLength } = internal.slots;
  const U8 = Uint8Array;
  const jsonStringify = JSON.stringify, jsonParse = JSON.parse;
  const StringF = String, NumberF = Number, freeze = Object.freeze;
  const hostCrypto = host.crypto;
  const FORMATS = ['raw', 'pkcs8', 'spki', 'jwk'];

  // A copy of the bytes as a standalone ArrayBuffer, read through captured intrinsics: the
  // operation sees the bytes as they were when it was called.
  const bytesArg = (v, what) => typedBuffer(new U8(toUint8(v, what)));
  // An operation's data or signature, converted last before the host call: the host copies the
  // bytes during that (synchronous) call and no worker code runs in between, so a view covering
  // its whole buffer is passed as it is, without a copy here.
  const dataArg = (v, what) => {
    const u8 = toUint8(v, what);
    return typedByteLength(u8) === 0 ? new ArrayBuffer(0) : exactBuffer(u8);
  };
  const toBuffer = (latin1) => typedBuffer(latin1ToBytes(latin1));

  // Calls the host; its answer is [errorName, message] or [null, result].
  function call(op, args) {
    const r = hostCrypto(op, args);
    if (r[0] !== null) throw r[0] === 'TypeError' ? new TypeError(r[1]) : new DOMException(r[1], r[0]);
    return r[1];
  }
  function need(args, n, method) {
    if (args.length < n) {
      throw new TypeError(`Failed to execute '${method}' on 'SubtleCrypto': ${n} arguments required, but only ${args.length} present.`);
    }
  }

  // ---- CryptoKey ----
  let keyHandle, makeKey, cloneKey;
  function algorithmObject(json) {
    const a = jsonParse(json);
    if (a.publicExponent) a.publicExponent = new U8(a.publicExponent);
    return a;
  }
  class CryptoKey {
    #handle; #type; #extractable; #algorithmJson; #algorithm; #usageList; #usages;
    constructor(token, row) {
      if (token !== internal) throw new TypeError('Illegal constructor');
      this.#handle = row[0];
      this.#type = StringF(row[1]);
      this.#extractable = row[2] === true;
      this.#algorithmJson = StringF(row[3]);
      this.#algorithm = algorithmObject(this.#algorithmJson);
      const usages = [];
      for (let i = 0; i < row[4].length; i++) usages[i] = StringF(row[4][i]);
      this.#usageList = freeze(usages.slice());
      this.#usages = usages;
    }
    get type() { return this.#type; }
    get extractable() { return this.#extractable; }
    get algorithm() { return this.#algorithm; }
    get usages() { return this.#usages; }
    static {
      keyHandle = (k) => (k !== null && typeof k === 'object' && #handle in k ? k.#handle : undefined);
      makeKey = (row) => new CryptoKey(internal, row);
      // structuredClone: a new CryptoKey over the same (immutable) host key.
      cloneKey = (k) => new CryptoKey(internal, [k.#handle, k.#type, k.#extractable, k.#algorithmJson, k.#usageList]);
      // console.log shows what the key is (from the private fields, never the material).
      internal.formatPlatformObject = (v, depth) => (keyHandle(v) === undefined ? undefined
        : `CryptoKey { type: '${v.#type}', extractable: ${v.#extractable}, algorithm: ${v.#algorithmJson}, usages: ${jsonStringify(v.#usageList)} }`);
    }
  }
  Object.defineProperty(CryptoKey.prototype, Symbol.toStringTag, { value: 'CryptoKey', configurable: true });
  internal.isCryptoKey = (v) => keyHandle(v) !== undefined;
  internal.cloneCryptoKey = cloneKey;
  internal.CryptoKey = CryptoKey;

  function keyArg(k, what) {
    const h = keyHandle(k);
    if (h === undefined) throw new TypeError(`${what} is not a CryptoKey`);
    return h;
  }

  // ---- algorithm dictionaries: only known members are read, each converted to plain data ----
  const BUFFER_MEMBERS = ['iv', 'counter', 'additionalData', 'label', 'salt', 'info', 'publicExponent'];
  const NUMBER_MEMBERS = ['length', 'tagLength', 'saltLength', 'iterations', 'modulusLength'];
  function algorithmArg(a, what) {
    // A bare name goes as a string (the host reads it as { name }).
    if (typeof a === 'string') return a;
    if (a === null || typeof a !== 'object') throw new TypeError(`${what}: an algorithm is a string or an object with a name`);
    const name = a.name;
    if (name === undefined) throw new TypeError(`${what}: the algorithm's "name" is missing`);
    const out = { name: StringF(name) };
    for (const m of BUFFER_MEMBERS) {
      const v = a[m];
      if (v !== undefined) out[m] = bytesArg(v, `${what}: "${m}"`);
    }
    for (const m of NUMBER_MEMBERS) {
      const v = a[m];
      if (v !== undefined) out[m] = NumberF(v);
    }
    const curve = a.namedCurve;
    if (curve !== undefined) out.namedCurve = StringF(curve);
    const hash = a.hash;
    if (hash !== undefined) {
      if (typeof hash === 'string') out.hash = hash;
      else if (hash !== null && typeof hash === 'object' && hash.name !== undefined) out.hash = StringF(hash.name);
      else throw new TypeError(`${what}: "hash" is neither a string nor an object with a name`);
    }
    const pub = a.public;
    if (pub !== undefined) out.public = keyArg(pub, `${what}: "public"`);
    return out;
  }
  function formatArg(f, method) {
    const s = StringF(f);
    if (!FORMATS.includes(s)) {
      throw new TypeError(`Failed to execute '${method}' on 'SubtleCrypto': '${s}' is not a valid enum value of type KeyFormat.`);
    }
    return s;
  }
  function usagesArg(u) {
    if (u === null || typeof u !== 'object' || typeof u[Symbol.iterator] !== 'function') {
      throw new TypeError('keyUsages must be a sequence of strings');
    }
    const out = [];
    for (const x of u) out[out.length] = StringF(x);
    return out;
  }
  const JWK_STRINGS = ['kty', 'use', 'alg', 'crv', 'x', 'y', 'd', 'n', 'e', 'p', 'q', 'dp', 'dq', 'qi', 'k'];
  function jwkArg(j) {
    if (j === null || typeof j !== 'object') {
      throw new TypeError('a jwk key must be a JsonWebKey object');
    }
    const out = {};
    for (const m of JWK_STRINGS) {
      const v = j[m];
      if (v !== undefined) out[m] = StringF(v);
    }
    if (j.ext !== undefined) out.ext = !!j.ext;
    if (j.key_ops !== undefined) out.key_ops = usagesArg(j.key_ops);
    return jsonStringify(out);
  }
  function keyDataArg(format, data) {
    return format === 'jwk' ? jwkArg(data) : bytesArg(data, 'keyData');
  }
  const keyOrPair = (r) => (r[0] === 'pair' ? { publicKey: makeKey(r[1]), privateKey: makeKey(r[2]) } : makeKey(r[1]));

  class SubtleCrypto {
    constructor(token) { if (token !== internal) throw new TypeError('Illegal constructor'); }
    async digest(algorithm, data) {
      need(arguments, 2, 'digest');
      return toBuffer(call('digest', [algorithmArg(algorithm, 'digest'), dataArg(data, 'data')]));
    }
    async sign(algorithm, key, data) {
      need(arguments, 3, 'sign');
      return toBuffer(call('sign', [algorithmArg(algorithm, 'sign'), keyArg(key, 'key'), dataArg(data, 'data')]));
    }
    async verify(algorithm, key, signature, data) {
      need(arguments, 4, 'verify');
      return call('verify', [algorithmArg(algorithm, 'verify'), keyArg(key, 'key'), dataArg(signature, 'signature'),
        dataArg(data, 'data')]) === true;
    }
    async encrypt(algorithm, key, data) {
      need(arguments, 3, 'encrypt');
      return toBuffer(call('encrypt', [algorithmArg(algorithm, 'encrypt'), keyArg(key, 'key'), dataArg(data, 'data')]));
    }
    async decrypt(algorithm, key, data) {
      need(arguments, 3, 'decrypt');
      return toBuffer(call('decrypt', [algorithmArg(algorithm, 'decrypt'), keyArg(key, 'key'), dataArg(data, 'data')]));
    }
    async importKey(format, keyData, algorithm, extractable, keyUsages) {
      need(arguments, 5, 'importKey');
      const f = formatArg(format, 'importKey');
      return keyOrPair(call('importKey', [f, keyDataArg(f, keyData), algorithmArg(algorithm, 'importKey'),
        !!extractable, usagesArg(keyUsages)]));
    }
    async exportKey(format, key) {
      need(arguments, 2, 'exportKey');
      const f = formatArg(format, 'exportKey');
      const r = call('exportKey', [f, keyArg(key, 'key')]);
      return f === 'jwk' ? jsonParse(r) : toBuffer(r);
    }
    async generateKey(algorithm, extractable, keyUsages) {
      need(arguments, 3, 'generateKey');
      return keyOrPair(call('generateKey', [algorithmArg(algorithm, 'generateKey'), !!extractable, usagesArg(keyUsages)]));
    }
    async deriveBits(algorithm, baseKey, length) {
      need(arguments, 2, 'deriveBits');
      const len = length === undefined || length === null ? null : NumberF(length);
      return toBuffer(call('deriveBits', [algorithmArg(algorithm, 'deriveBits'), keyArg(baseKey, 'baseKey'), len]));
    }
    async deriveKey(algorithm, baseKey, derivedKeyType, extractable, keyUsages) {
      need(arguments, 5, 'deriveKey');
      return keyOrPair(call('deriveKey', [algorithmArg(algorithm, 'deriveKey'), keyArg(baseKey, 'baseKey'),
        algorithmArg(derivedKeyType, 'deriveKey'), !!extractable, usagesArg(keyUsages)]));
    }
    async wrapKey(format, key, wrappingKey, wrapAlgorithm) {
      need(arguments, 4, 'wrapKey');
      return toBuffer(call('wrapKey', [formatArg(format, 'wrapKey'), keyArg(key, 'key'),
        keyArg(wrappingKey, 'wrappingKey'), algorithmArg(wrapAlgorithm, 'wrapKey')]));
    }
    async unwrapKey(format, wrappedKey, unwrappingKey, unwrapAlgorithm, unwrappedKeyAlgorithm, extractable, keyUsages) {
      need(arguments, 7, 'unwrapKey');
      return keyOrPair(call('unwrapKey', [formatArg(format, 'unwrapKey'), bytesArg(wrappedKey, 'wrappedKey'),
        keyArg(unwrappingKey, 'unwrappingKey'), algorithmArg(unwrapAlgorithm, 'unwrapKey'),
        algorithmArg(unwrappedKeyAlgorithm, 'unwrapKey'), !!extractable, usagesArg(keyUsages)]));
    }
  }
  Object.defineProperty(SubtleCrypto.prototype, Symbol.toStringTag, { value: 'SubtleCrypto', configurable: true });

  const subtle = new SubtleCrypto(internal);
  Object.defineProperty(internal.crypto, 'subtle', { value: subtle, enumerable: true, configurable: true });
  internal.makeCryptoKey = makeKey;
  for (const [k, v] of Object.entries({ CryptoKey, SubtleCrypto })) {
    Object.defineProperty(globalThis, k, { value: v, writable: true, configurable: true, enumerable: false });
  }
})
