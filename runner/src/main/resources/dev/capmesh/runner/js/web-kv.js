// capmesh worker runtime, part 5: KV namespaces (env.KV). The host handle lives in a private
// field; the limits are checked again by the host (KvNamespace.java), which is the authority.
(function capmeshSetup_kv(host, internal) {
  'use strict';
  const { ReadableStream } = internal;
  const kv = host.kv;
  // Read once: a call through a cached executable skips the proxy's member lookup per operation.
  const hostGet = kv.get, hostPut = kv.put, hostGetMany = kv.getMany;
  const MAX_VALUE_BYTES = 25 * 1024 * 1024;
  const MAX_BULK_KEYS = 100;

  function hostError(name, message) {
    const C = internal.errorConstructor(name);
    return new C(String(message));
  }
  // The host rejects a promise through this: reject is the promise's own reject function.
  function rejectWith(reject, name, message) {
    reject(hostError(name, message));
  }
  const TYPE_CODES = { text: 0, json: 1, arrayBuffer: 2, stream: 3 };
  const TYPE_NAMES = ['text', 'json', 'arrayBuffer', 'stream'];
  // Settles a get's promise where the host's answer needs JS: JSON, metadata, or bytes the host
  // did not decode (a Latin-1 string). code: the type's code + 4 with metadata. One function for
  // every get: no closure per operation.
  function settleGet(resolve, reject, code, value, meta, decoded) {
    try {
      const type = TYPE_NAMES[code & 3];
      let v;
      if (value === null) v = null;
      else if (decoded === true) v = type === 'json' ? JSON.parse(value) : value;
      else v = decodeValue(value, type);
      if ((code & 4) === 0) resolve(v);
      else resolve({ value: v, metadata: meta === null ? null : JSON.parse(meta), cacheStatus: null });
    } catch (e) {
      reject(e);
    }
  }
  kv.setup(settleGet, rejectWith);
  // Calls host hook op with (handle, a, b, c, d, e, resolve, reject); resolves with an array of
  // what the host resolved with. No spread or apply: worker code may have replaced
  // Array.prototype[Symbol.iterator] or Function.prototype.apply, and must not see the handle.
  const ArrayC = Array;
  const PromiseC = Promise;
  function call(op, handle, a, b, c, d, e) {
    return new PromiseC((resolve, reject) => {
      const ok = function (x, y, z) { const r = new ArrayC(3); r[0] = x; r[1] = y; r[2] = z; resolve(r); };
      switch (op) {
        case 'put': hostPut(handle, a, b, c, d, e, ok, reject); break;
        case 'del': kv.del(handle, a, ok, reject); break;
        default: kv.list(handle, a, b, c, ok, reject);
      }
    });
  }
  function optionalNumber(v) {
    return v === undefined || v === null ? null : Number(v);
  }
  function readOptions(options, op) {
    let type = 'text', cacheTtl = null;
    if (typeof options === 'string') type = options;
    else if (options !== undefined && options !== null) {
      if (typeof options !== 'object') throw new TypeError(`KV ${op} failed: options must be a type string or an object`);
      if (options.type !== undefined) type = String(options.type);
      cacheTtl = optionalNumber(options.cacheTtl);
    }
    if (type !== 'text' && type !== 'json' && type !== 'arrayBuffer' && type !== 'stream') {
      throw new TypeError(`KV ${op} failed: unknown response type "${type}"; possible types are "text", "arrayBuffer", "json", and "stream"`);
    }
    return { type, cacheTtl };
  }
  // value: a Latin-1 string from the host, or the bytes a KV service answered with.
  function decodeValue(value, type) {
    if (value === null) return null;
    const bytes = typeof value === 'string' ? internal.latin1ToBytes(value) : value;
    switch (type) {
      case 'text': return internal.utf8Decode(bytes);
      case 'json': return JSON.parse(internal.utf8Decode(bytes));
      case 'arrayBuffer': return bytes.buffer;
      default: return new ReadableStream({ start(c) { if (bytes.length) c.enqueue(bytes); c.close(); } });
    }
  }
  function tooLarge(size) {
    return new TypeError(`KV put failed: the value is ${size} bytes, over the value size limit of ${MAX_VALUE_BYTES} bytes (25 MiB)`);
  }
  async function valueBytes(value) {
    if (typeof value === 'string') return internal.utf8Encode(value);
    if (value instanceof ReadableStream) {
      const reader = value.getReader();
      const chunks = [];
      let size = 0;
      for (;;) {
        const { value: chunk, done } = await reader.read();
        if (done) break;
        const bytes = typeof chunk === 'string' ? internal.utf8Encode(chunk) : internal.toUint8(chunk, 'a stream chunk');
        size += bytes.length;
        if (size > MAX_VALUE_BYTES) { reader.cancel().catch(() => {}); throw tooLarge(size); }
        chunks.push(bytes);
      }
      const out = new Uint8Array(size);
      let at = 0;
      for (const c of chunks) { out.set(c, at); at += c.length; }
      return out;
    }
    if (value instanceof ArrayBuffer || ArrayBuffer.isView(value)) return internal.toUint8(value, 'the value');
    throw new TypeError('KV put failed: the value must be a string, ArrayBuffer, ArrayBufferView or ReadableStream');
  }
  function metadataJson(metadata) {
    if (metadata === undefined || metadata === null) return null;
    const text = JSON.stringify(metadata);
    if (typeof text !== 'string') throw new TypeError('KV put failed: metadata must be serializable as JSON');
    return text;
  }

  // ---- workerd's KV HTTP protocol, for a binding that designates a worker or external service ----
  // The limits are checked here (the service behind could be anything), with the host's messages.
  const BASE = 'http://kv.binding/';
  const MAX_KEY_BYTES = 512, MAX_METADATA_BYTES = 1024, MIN_TTL = 60, MAX_LIST = 1000;
  function checkKey(name, op, key) {
    const n = internal.utf8Encode(key).length;
    if (n === 0) throw new TypeError(`KV binding "${name}": ${op} failed: the key is empty; a key must be 1 to ${MAX_KEY_BYTES} bytes`);
    if (key === '.' || key === '..') throw new TypeError(`KV binding "${name}": ${op} failed: a key must not be "." or ".."`);
    if (n > MAX_KEY_BYTES) throw new TypeError(`KV binding "${name}": ${op} failed: the key is ${n} bytes in UTF-8, over the key length limit of ${MAX_KEY_BYTES} bytes`);
  }
  async function remoteFetch(remote, op, url, init) {
    let res;
    try { res = await internal.fetchVia(remote.target, url, init); }
    catch (e) { throw new Error(`KV binding "${remote.name}": ${op} failed: ${e && e.message}`); }
    if (!res.ok && !(res.status === 404 && (op === 'get' || op === 'delete'))) {
      if (res.body) res.body.cancel().catch(() => {});
      throw new Error(`KV binding "${remote.name}": ${op} failed: the KV service answered ${res.status}`);
    }
    return res;
  }
  // Same answers as the host hooks: get [bytes|null, metaJson|null], put/del [], list [complete, cursor, flat].
  async function remoteCall(remote, op, a, b, c, d, e) {
    const name = remote.name;
    switch (op) {
      case 'get': {
        checkKey(name, 'get', a);
        if (b !== null && !(b >= MIN_TTL)) throw new TypeError(`KV binding "${name}": get failed: cacheTtl ${b} is under the minimum cacheTtl of ${MIN_TTL} seconds`);
        const res = await remoteFetch(remote, 'get', BASE + encodeURIComponent(a) + '?urlencoded=true', { method: 'GET' });
        if (res.status === 404) { if (res.body) res.body.cancel().catch(() => {}); return [null, null]; }
        const bytes = new Uint8Array(await res.arrayBuffer());
        return [bytes, res.headers.get('cf-kv-metadata')];
      }
      case 'put': {
        checkKey(name, 'put', a);
        const query = new URLSearchParams({ urlencoded: 'true' });
        if (e !== null && internal.utf8Encode(e).length > MAX_METADATA_BYTES) {
          throw new TypeError(`KV binding "${name}": put failed: the metadata is ${internal.utf8Encode(e).length} bytes serialized as JSON, over the metadata size limit of ${MAX_METADATA_BYTES} bytes`);
        }
        if (d !== null) {
          if (!(d >= MIN_TTL) || d === Infinity) throw new TypeError(`KV binding "${name}": put failed: expirationTtl ${d} is invalid; the minimum expirationTtl is ${MIN_TTL} seconds`);
          query.set('expiration_ttl', String(Math.floor(d)));
        } else if (c !== null) {
          const now = Math.floor(Date.now() / 1000);
          if (!(c >= now + MIN_TTL) || c === Infinity) throw new TypeError(`KV binding "${name}": put failed: expiration ${c} is invalid; expiration times must be at least ${MIN_TTL} seconds in the future`);
          query.set('expiration', String(Math.floor(c)));
        }
        const headers = e === null ? {} : { 'CF-KV-Metadata': e };
        await remoteFetch(remote, 'put', BASE + encodeURIComponent(a) + '?' + query, { method: 'PUT', headers, body: b });
        return [];
      }
      case 'del': {
        checkKey(name, 'delete', a);
        const res = await remoteFetch(remote, 'delete', BASE + encodeURIComponent(a) + '?urlencoded=true', { method: 'DELETE' });
        if (res.body) res.body.cancel().catch(() => {});
        return [];
      }
      default: {
        if (b !== null && !(b >= 1 && b <= MAX_LIST && b === Math.floor(b))) {
          throw new TypeError(`KV binding "${name}": list failed: limit ${b} is invalid; the list limit is an integer from 1 to ${MAX_LIST} keys`);
        }
        const query = new URLSearchParams();
        if (a !== null) query.set('prefix', a);
        if (b !== null) query.set('key_count_limit', String(b));
        if (c !== null) query.set('cursor', c);
        const res = await remoteFetch(remote, 'list', BASE + '?' + query, { method: 'GET' });
        let body;
        try { body = await res.json(); } catch (x) { throw new Error(`KV binding "${name}": list failed: the KV service answered something other than JSON`); }
        if (!body || !Array.isArray(body.keys)) throw new Error(`KV binding "${name}": list failed: the KV service's answer has no keys array`);
        const flat = [];
        for (const k of body.keys) {
          if (!k || typeof k.name !== 'string') throw new Error(`KV binding "${name}": list failed: a key in the KV service's answer has no name`);
          flat.push(k.name, typeof k.expiration === 'number' ? k.expiration : 0,
            k.metadata === undefined || k.metadata === null ? null : JSON.stringify(k.metadata));
        }
        const complete = body.list_complete !== false;
        return [complete, complete ? null : String(body.cursor ?? ''), flat];
      }
    }
  }

  // The direct paths of get and put on a native namespace: one promise per operation, whose own
  // resolve and reject go to the host. A "text" value the host decoded (well-formed UTF-8) is
  // resolved with directly; anything else through settleGet. Argument errors still reject
  // (never throw), in the same order as the general path.
  function directGet(handle, key, options, op, withMetadata) {
    let code = 0, cacheTtl = null;
    try {
      if (options !== undefined) {
        const o = readOptions(options, op);
        code = TYPE_CODES[o.type];
        cacheTtl = o.cacheTtl;
      }
      key = String(key);
    } catch (e) {
      return PromiseC.reject(e);
    }
    if (withMetadata) code += 4;
    return new PromiseC((resolve, reject) => { hostGet(handle, key, cacheTtl, code, resolve, reject); });
  }
  // A string value small enough that its UTF-8 form cannot pass the value limit goes to the host
  // as a string (the host encodes it, lone surrogates as U+FFFD like utf8Encode).
  const DIRECT_PUT_CHARS = Math.floor(MAX_VALUE_BYTES / 3);
  function directPut(handle, key, value, options) {
    let meta, expiration, expirationTtl;
    try {
      key = String(key);
      const o = options === undefined || options === null ? {} : options;
      if (typeof o !== 'object') throw new TypeError('KV put failed: options must be an object');
      meta = metadataJson(o.metadata);
      expiration = optionalNumber(o.expiration);
      expirationTtl = optionalNumber(o.expirationTtl);
    } catch (e) {
      return PromiseC.reject(e);
    }
    return new PromiseC((resolve, reject) => {
      hostPut(handle, key, value, expiration, expirationTtl, meta, resolve, reject);
    });
  }

  class KVNamespace {
    #handle;
    #remote;
    constructor(key, handle, remote) {
      if (key !== internal) throw new TypeError('Illegal constructor');
      this.#handle = handle;
      this.#remote = remote === undefined ? null : remote;
    }
    #call(op, a, b, c, d, e) {
      return this.#remote === null ? call(op, this.#handle, a, b, c, d, e) : remoteCall(this.#remote, op, a, b, c, d, e);
    }
    get(key, options) {
      if (Array.isArray(key)) return this.#bulk(key, options, false);
      if (this.#remote === null) return directGet(this.#handle, key, options, 'get', false);
      return this.#get(key, options, 'get').then(([value]) => value);
    }
    getWithMetadata(key, options) {
      if (Array.isArray(key)) return this.#bulk(key, options, true);
      if (this.#remote === null) return directGet(this.#handle, key, options, 'getWithMetadata', true);
      return this.#get(key, options, 'getWithMetadata')
        .then(([value, metadata]) => ({ value, metadata, cacheStatus: null }));
    }
    async #get(key, options, op) {
      const { type, cacheTtl } = readOptions(options, op);
      const [value, meta] = await this.#call('get', String(key), cacheTtl);
      return [decodeValue(value, type), meta === null ? null : JSON.parse(meta)];
    }
    async #bulk(keys, options, withMetadata) {
      const { type, cacheTtl } = readOptions(options, 'get');
      if (type !== 'text' && type !== 'json') throw new TypeError(`KV get failed: a bulk get returns "text" or "json", not "${type}"`);
      if (keys.length === 0 || keys.length > MAX_BULK_KEYS) throw new TypeError(`KV get failed: a bulk get takes 1 to ${MAX_BULK_KEYS} keys, not ${keys.length}`);
      const out = new Map();
      if (this.#remote !== null) {
        const results = await Promise.all(keys.map((k) => this.#get(k, options, 'get')));
        keys.forEach((k, i) => out.set(String(k), withMetadata ? { value: results[i][0], metadata: results[i][1] } : results[i][0]));
        return out;
      }
      // A native namespace: one host call for all keys, sent to the backend together, one answer
      // (three elements per key: value, metadata, whether the host decoded the value).
      const n = keys.length;
      const names = new ArrayC(n);
      for (let i = 0; i < n; i++) names[i] = String(keys[i]);
      const handle = this.#handle;
      const flat = await new PromiseC((resolve, reject) => {
        hostGetMany(handle, names, cacheTtl, true, resolve, reject);
      });
      for (let i = 0; i < n; i++) {
        const value = flat[3 * i], meta = flat[3 * i + 1];
        let v;
        if (value === null) v = null;
        else if (flat[3 * i + 2] === true) v = type === 'json' ? JSON.parse(value) : value;
        else v = decodeValue(value, type);
        out.set(names[i], withMetadata ? { value: v, metadata: meta === null ? null : JSON.parse(meta) } : v);
      }
      return out;
    }
    put(key, value, options) {
      if (this.#remote === null && typeof value === 'string' && value.length <= DIRECT_PUT_CHARS) {
        return directPut(this.#handle, key, value, options);
      }
      return this.#put(key, value, options);
    }
    async #put(key, value, options) {
      key = String(key);
      const o = options === undefined || options === null ? {} : options;
      if (typeof o !== 'object') throw new TypeError('KV put failed: options must be an object');
      const meta = metadataJson(o.metadata);
      const bytes = await valueBytes(value);
      if (bytes.length > MAX_VALUE_BYTES) throw tooLarge(bytes.length);
      await this.#call('put', key, internal.exactBuffer(bytes), optionalNumber(o.expiration),
        optionalNumber(o.expirationTtl), meta);
    }
    async delete(key) {
      await this.#call('del', String(key));
    }
    async list(options) {
      const o = options === undefined || options === null ? {} : options;
      if (typeof o !== 'object') throw new TypeError('KV list failed: options must be an object');
      const prefix = o.prefix === undefined || o.prefix === null ? null : String(o.prefix);
      const cursor = o.cursor === undefined || o.cursor === null ? null : String(o.cursor);
      const [complete, next, flat] = await this.#call('list', prefix, optionalNumber(o.limit), cursor);
      const keys = [];
      for (let i = 0; i + 2 < flat.length; i += 3) {
        const k = { name: flat[i] };
        if (flat[i + 1] !== 0) k.expiration = flat[i + 1];
        if (flat[i + 2] !== null) k.metadata = JSON.parse(flat[i + 2]);
        keys.push(k);
      }
      return complete ? { keys, list_complete: true, cacheStatus: null }
        : { keys, list_complete: false, cursor: next, cacheStatus: null };
    }
    get [Symbol.toStringTag]() { return 'KVNamespace'; }
  }
  internal.KVNamespace = KVNamespace;
  internal.bindingKinds = internal.bindingKinds || {};
  internal.bindingKinds.kv = (handle) => new KVNamespace(internal, handle);
  internal.bindingKinds.kvhttp = (target, name) => new KVNamespace(internal, null, Object.freeze({ target, name }));
})
