// capmesh worker runtime, part 5: KV namespaces (env.KV). The host handle lives in a private
// field; the limits are checked again by the host (KvNamespace.java), which is the authority.
(function (host, internal) {
  'use strict';
  const { ReadableStream } = internal;
  const kv = host.kv;
  const MAX_VALUE_BYTES = 25 * 1024 * 1024;
  const MAX_BULK_KEYS = 100;
  const TYPES = ['text', 'json', 'arrayBuffer', 'stream'];

  function hostError(name, message) {
    const C = internal.errorConstructor(name);
    return new C(String(message));
  }
  // Calls host hook op with (handle, a, b, c, d, e, resolve, reject); resolves with an array of
  // what the host resolved with. No spread or apply: worker code may have replaced
  // Array.prototype[Symbol.iterator] or Function.prototype.apply, and must not see the handle.
  const ArrayC = Array;
  const PromiseC = Promise;
  function call(op, handle, a, b, c, d, e) {
    return new PromiseC((resolve, reject) => {
      const ok = function (x, y, z) { const r = new ArrayC(3); r[0] = x; r[1] = y; r[2] = z; resolve(r); };
      const fail = (name, message) => reject(hostError(name, message));
      switch (op) {
        case 'get': kv.get(handle, a, b, ok, fail); break;
        case 'put': kv.put(handle, a, b, c, d, e, ok, fail); break;
        case 'del': kv.del(handle, a, ok, fail); break;
        default: kv.list(handle, a, b, c, ok, fail);
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
    if (!TYPES.includes(type)) {
      throw new TypeError(`KV ${op} failed: unknown response type "${type}"; possible types are "text", "arrayBuffer", "json", and "stream"`);
    }
    return { type, cacheTtl };
  }
  function decodeValue(latin1, type) {
    if (latin1 === null) return null;
    const bytes = internal.latin1ToBytes(latin1);
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

  class KVNamespace {
    #handle;
    constructor(key, handle) {
      if (key !== internal) throw new TypeError('Illegal constructor');
      this.#handle = handle;
    }
    get(key, options) {
      if (Array.isArray(key)) return this.#bulk(key, options, false);
      return this.#get(key, options, 'get').then(([value]) => value);
    }
    getWithMetadata(key, options) {
      if (Array.isArray(key)) return this.#bulk(key, options, true);
      return this.#get(key, options, 'getWithMetadata')
        .then(([value, metadata]) => ({ value, metadata, cacheStatus: null }));
    }
    async #get(key, options, op) {
      const { type, cacheTtl } = readOptions(options, op);
      const [value, meta] = await call('get', this.#handle, String(key), cacheTtl);
      return [decodeValue(value, type), meta === null ? null : JSON.parse(meta)];
    }
    async #bulk(keys, options, withMetadata) {
      const { type } = readOptions(options, 'get');
      if (type !== 'text' && type !== 'json') throw new TypeError(`KV get failed: a bulk get returns "text" or "json", not "${type}"`);
      if (keys.length === 0 || keys.length > MAX_BULK_KEYS) throw new TypeError(`KV get failed: a bulk get takes 1 to ${MAX_BULK_KEYS} keys, not ${keys.length}`);
      const results = await Promise.all(keys.map((k) => this.#get(k, options, 'get')));
      const out = new Map();
      keys.forEach((k, i) => out.set(String(k), withMetadata ? { value: results[i][0], metadata: results[i][1] } : results[i][0]));
      return out;
    }
    async put(key, value, options) {
      key = String(key);
      const o = options === undefined || options === null ? {} : options;
      if (typeof o !== 'object') throw new TypeError('KV put failed: options must be an object');
      const meta = metadataJson(o.metadata);
      const bytes = await valueBytes(value);
      if (bytes.length > MAX_VALUE_BYTES) throw tooLarge(bytes.length);
      await call('put', this.#handle, key, internal.exactBuffer(bytes), optionalNumber(o.expiration),
        optionalNumber(o.expirationTtl), meta);
    }
    async delete(key) {
      await call('del', this.#handle, String(key));
    }
    async list(options) {
      const o = options === undefined || options === null ? {} : options;
      if (typeof o !== 'object') throw new TypeError('KV list failed: options must be an object');
      const prefix = o.prefix === undefined || o.prefix === null ? null : String(o.prefix);
      const cursor = o.cursor === undefined || o.cursor === null ? null : String(o.cursor);
      const [complete, next, flat] = await call('list', this.#handle, prefix, optionalNumber(o.limit), cursor);
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
})
