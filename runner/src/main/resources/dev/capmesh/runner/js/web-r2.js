// capmesh worker runtime, part 6: R2 buckets (env.STORAGE). The host handle lives in a private
// field; every limit is checked again by the host (ObjectBucket.java), which is the authority.
// Results are built into objects here, inside the host's callback: an array holding a body handle
// is never resolved, iterated or spread where worker code could watch (a replaced
// Array.prototype[Symbol.iterator] or Array.prototype.then).
(function capmeshSetup_r2(host, internal) {
  'use strict';
  const { ReadableStream, Headers, headersFlat, Request, Response, receivedResponse, URL } = internal;
  const r2 = host.r2;
  const PromiseC = Promise;
  const DateC = Date;
  const ArrayIsArray = Array.isArray;
  const ObjectKeys = Object.keys;
  const defineProperty = Object.defineProperty;
  const HTTP_FIELDS = ['contentType', 'contentLanguage', 'contentDisposition', 'contentEncoding', 'cacheControl'];
  const HTTP_HEADERS = ['content-type', 'content-language', 'content-disposition', 'content-encoding', 'cache-control'];
  const CHECKSUMS = ['md5', 'sha1', 'sha256', 'sha384', 'sha512'];
  const BASE = 'http://r2.binding/';

  function hostError(name, message) {
    const C = internal.errorConstructor(name);
    return new C(String(message));
  }
  function isHeaders(v) {
    try { headersFlat(v); return true; } catch (e) { return false; }
  }
  // The value of header name (lower case) in a Headers, read through its internal slots.
  function headerOf(h, name) {
    const flat = headersFlat(h);
    for (let i = 0; i + 1 < flat.length; i += 2) if (flat[i] === name) return flat[i + 1];
    return null;
  }
  function hex(bytes) {
    let s = '';
    for (let i = 0; i < bytes.length; i++) s += (bytes[i] < 16 ? '0' : '') + bytes[i].toString(16);
    return s;
  }
  function fromHex(s) {
    const out = new Uint8Array(s.length >> 1);
    for (let i = 0; i < out.length; i++) out[i] = parseInt(s.substr(2 * i, 2), 16);
    return out;
  }
  // [k1, v1, k2, v2, ...] of a host row as an object.
  function record(flat) {
    const out = {};
    for (let i = 0; i + 1 < flat.length; i += 2) defineProperty(out, flat[i], { value: flat[i + 1], writable: true, enumerable: true, configurable: true });
    return out;
  }
  function millis(v, what) {
    const t = v instanceof DateC ? v.getTime() : Number(v);
    if (!Number.isFinite(t)) throw new TypeError(`${what} must be a Date`);
    return t;
  }

  // ---- options to host rows ----
  function etagList(v, what) {
    if (v === undefined || v === null) return [];
    const list = ArrayIsArray(v) ? v : [v];
    const out = [];
    for (let i = 0; i < list.length; i++) {
      let t = String(list[i]).trim();
      if (t.startsWith('W/')) t = t.slice(2);
      if (t.length >= 2 && t[0] === '"' && t[t.length - 1] === '"') t = t.slice(1, -1);
      out[out.length] = t;
    }
    return out;
  }
  // "a", W/"b", * of an If-Match / If-None-Match header; weak tags count only when weak (If-None-Match).
  function headerTags(value, weak) {
    if (value === null) return [];
    const out = [];
    const parts = value.split(',');
    for (let i = 0; i < parts.length; i++) {
      let t = parts[i].trim();
      if (t === '') continue;
      if (t.startsWith('W/')) { if (!weak) { out[out.length] = t; continue; } t = t.slice(2); }
      if (t.length >= 2 && t[0] === '"' && t[t.length - 1] === '"') t = t.slice(1, -1);
      out[out.length] = t;
    }
    return out;
  }
  function headerDate(value) {
    if (value === null) return null;
    const t = DateC.parse(value);
    return Number.isFinite(t) ? t : null;
  }
  // [etagMatches, etagDoesNotMatch, uploadedBefore ms | null, uploadedAfter ms | null]
  function conditions(onlyIf, op) {
    if (onlyIf === undefined || onlyIf === null) return [[], [], null, null];
    if (isHeaders(onlyIf)) {
      return [headerTags(headerOf(onlyIf, 'if-match'), false), headerTags(headerOf(onlyIf, 'if-none-match'), true),
        headerDate(headerOf(onlyIf, 'if-unmodified-since')), headerDate(headerOf(onlyIf, 'if-modified-since'))];
    }
    if (typeof onlyIf !== 'object') throw new TypeError(`R2 ${op} failed: onlyIf must be an object or a Headers`);
    return [etagList(onlyIf.etagMatches), etagList(onlyIf.etagDoesNotMatch),
      onlyIf.uploadedBefore === undefined ? null : millis(onlyIf.uploadedBefore, 'onlyIf.uploadedBefore'),
      onlyIf.uploadedAfter === undefined ? null : millis(onlyIf.uploadedAfter, 'onlyIf.uploadedAfter')];
  }
  function count(v, what) {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) throw new TypeError(`R2 get failed: range.${what} must be an integer >= 0, not ${String(v)}`);
    return n;
  }
  // [offset | -1, length | -1, suffix | -1], or null for the whole object.
  function range(r) {
    if (r === undefined || r === null) return null;
    if (isHeaders(r)) {
      const v = headerOf(r, 'range');
      if (v === null) return null;
      const m = /^bytes=(\d*)-(\d*)$/.exec(v.trim());
      if (!m || (m[1] === '' && m[2] === '')) throw new TypeError(`R2 get failed: the range header "${v}" is not one byte range`);
      if (m[1] === '') return [-1, -1, Number(m[2])];
      const from = Number(m[1]);
      if (m[2] === '') return [from, -1, -1];
      const to = Number(m[2]);
      if (to < from) throw new TypeError(`R2 get failed: the range header "${v}" ends before it starts`);
      return [from, to - from + 1, -1];
    }
    if (typeof r !== 'object') throw new TypeError('R2 get failed: range must be an object or a Headers');
    const hasSuffix = r.suffix !== undefined;
    if (hasSuffix && (r.offset !== undefined || r.length !== undefined)) {
      throw new TypeError('R2 get failed: a range has either a suffix, or an offset and/or a length');
    }
    if (hasSuffix) return [-1, -1, count(r.suffix, 'suffix')];
    if (r.offset === undefined && r.length === undefined) throw new TypeError('R2 get failed: a range needs an offset, a length or a suffix');
    return [r.offset === undefined ? 0 : count(r.offset, 'offset'), r.length === undefined ? -1 : count(r.length, 'length'), -1];
  }
  // [name, value, ...] of httpMetadata given as an object or a Headers.
  function httpRow(m) {
    const out = [];
    if (m === undefined || m === null) return out;
    if (isHeaders(m)) {
      for (let i = 0; i < HTTP_HEADERS.length; i++) {
        const v = headerOf(m, HTTP_HEADERS[i]);
        if (v !== null) { out[out.length] = HTTP_FIELDS[i]; out[out.length] = v; }
      }
      const expires = headerDate(headerOf(m, 'expires'));
      if (expires !== null) { out[out.length] = 'cacheExpiry'; out[out.length] = String(expires); }
      return out;
    }
    if (typeof m !== 'object') throw new TypeError('R2 put failed: httpMetadata must be an object or a Headers');
    for (let i = 0; i < HTTP_FIELDS.length; i++) {
      const v = m[HTTP_FIELDS[i]];
      if (v !== undefined && v !== null) { out[out.length] = HTTP_FIELDS[i]; out[out.length] = String(v); }
    }
    if (m.cacheExpiry !== undefined && m.cacheExpiry !== null) {
      out[out.length] = 'cacheExpiry';
      out[out.length] = String(millis(m.cacheExpiry, 'httpMetadata.cacheExpiry'));
    }
    return out;
  }
  function customRow(m) {
    const out = [];
    if (m === undefined || m === null) return out;
    if (typeof m !== 'object') throw new TypeError('R2 put failed: customMetadata must be an object of strings');
    const keys = ObjectKeys(m);
    for (let i = 0; i < keys.length; i++) { out[out.length] = keys[i]; out[out.length] = String(m[keys[i]]); }
    return out;
  }
  function checksumRow(o) {
    const out = [];
    for (let i = 0; i < CHECKSUMS.length; i++) {
      const v = o[CHECKSUMS[i]];
      if (v === undefined || v === null) continue;
      out[out.length] = CHECKSUMS[i];
      out[out.length] = typeof v === 'string' ? v : hex(internal.toUint8(v, `the ${CHECKSUMS[i]} checksum`));
    }
    return out;
  }
  // What the host reads a put's value from: null, an ArrayBuffer, or a stream source.
  function valueForHost(value) {
    if (value === undefined || value === null) return null;
    if (typeof value === 'string') return internal.exactBuffer(internal.utf8Encode(value));
    if (value instanceof ReadableStream) {
      if (value.locked) throw new TypeError('R2 put failed: the ReadableStream is locked (already being read)');
      return internal.bodyForHost(value);
    }
    if (value instanceof ArrayBuffer || ArrayBuffer.isView(value)) return internal.exactBuffer(internal.toUint8(value, 'the value').slice());
    if (internal.isBlob(value)) return internal.exactBuffer(internal.blobBytes(value).slice());
    throw new TypeError('R2 put failed: the value must be a string, ArrayBuffer, ArrayBufferView, ReadableStream, Blob or null');
  }

  // ---- results ----
  class R2Checksums {
    constructor(key, flat) {
      if (key !== internal) throw new TypeError('Illegal constructor');
      for (let i = 0; i + 1 < flat.length; i += 2) {
        defineProperty(this, flat[i], { value: fromHex(flat[i + 1]).buffer, enumerable: true });
      }
    }
    toJSON() {
      const out = {};
      for (let i = 0; i < CHECKSUMS.length; i++) {
        const b = this[CHECKSUMS[i]];
        if (b instanceof ArrayBuffer) out[CHECKSUMS[i]] = hex(new Uint8Array(b));
      }
      return out;
    }
    get [Symbol.toStringTag]() { return 'R2Checksums'; }
  }
  // row: [key, version, size, etag, uploaded ms, http flat, custom flat, checksums flat]
  let objectHttp;
  class R2Object {
    #http;
    constructor(key, row, rangeOffset, rangeLength, include) {
      if (key !== internal) throw new TypeError('Illegal constructor');
      const http = record(row[5]);
      if (http.cacheExpiry !== undefined) http.cacheExpiry = new DateC(Number(http.cacheExpiry));
      this.#http = http;
      const props = {
        key: row[0], version: row[1], size: row[2], etag: row[3], httpEtag: '"' + row[3] + '"',
        uploaded: new DateC(row[4]), storageClass: 'Standard',
        checksums: new R2Checksums(internal, row[7]),
      };
      if (include === undefined || include.http) props.httpMetadata = record(row[5]);
      if (props.httpMetadata && props.httpMetadata.cacheExpiry !== undefined) props.httpMetadata.cacheExpiry = new DateC(Number(props.httpMetadata.cacheExpiry));
      if (include === undefined || include.custom) props.customMetadata = record(row[6]);
      if (rangeOffset >= 0) props.range = { offset: rangeOffset, length: rangeLength };
      const keys = ObjectKeys(props);
      for (let i = 0; i < keys.length; i++) defineProperty(this, keys[i], { value: props[keys[i]], enumerable: true });
    }
    static {
      objectHttp = (o) => o.#http;
    }
    writeHttpMetadata(headers) {
      if (!isHeaders(headers)) throw new TypeError('R2Object.writeHttpMetadata: the argument must be a Headers');
      const http = objectHttp(this);
      for (let i = 0; i < HTTP_FIELDS.length; i++) {
        const v = http[HTTP_FIELDS[i]];
        if (v !== undefined) headers.set(HTTP_HEADERS[i], v);
      }
      if (http.cacheExpiry !== undefined) headers.set('expires', http.cacheExpiry.toUTCString());
    }
    get [Symbol.toStringTag]() { return 'R2Object'; }
  }
  class R2ObjectBody extends R2Object {
    #body; #used = false;
    constructor(key, row, handle, rangeOffset, rangeLength) {
      super(key, row, rangeOffset, rangeLength);
      this.#body = handle === null ? new ReadableStream({ type: 'bytes', start(c) { c.close(); } })
        : internal.streamFromHost(handle);
    }
    get body() { return this.#body; }
    get bodyUsed() { return this.#used || internal.isDisturbed(this.#body); }
    #consume() {
      if (this.bodyUsed) return PromiseC.reject(new TypeError('Body has already been used'));
      this.#used = true;
      return new Response(this.#body).arrayBuffer();
    }
    arrayBuffer() { return this.#consume(); }
    async bytes() { return new Uint8Array(await this.#consume()); }
    async text() { return internal.utf8Decode(new Uint8Array(await this.#consume())); }
    async json() { return JSON.parse(await this.text()); }
    async blob() {
      const type = objectHttp(this).contentType;
      return internal.blobOf(new Uint8Array(await this.#consume()), type === undefined ? null : type);
    }
    get [Symbol.toStringTag]() { return 'R2ObjectBody'; }
  }

  // ---- the bucket ----
  function call(start) {
    return new PromiseC((resolve, reject) => {
      const fail = (name, message) => reject(hostError(name, message));
      start(resolve, reject, fail);
    });
  }
  function keyOf(key) {
    if (typeof key === 'symbol') throw new TypeError('R2 key must be a string, not a symbol');
    return String(key);
  }
  let bucketHandle;
  class R2Bucket {
    #handle;
    constructor(key, handle) {
      if (key !== internal) throw new TypeError('Illegal constructor');
      this.#handle = handle;
    }
    static {
      bucketHandle = (b) => b.#handle;
    }
    head(key) {
      const handle = bucketHandle(this);
      return call((resolve, reject, fail) => {
        r2.head(handle, keyOf(key), (row) => {
          try { resolve(row === null ? null : new R2Object(internal, row, -1, -1)); } catch (e) { reject(e); }
        }, fail);
      });
    }
    get(key, options) {
      const handle = bucketHandle(this);
      return call((resolve, reject, fail) => {
        const o = options === undefined || options === null ? {} : options;
        if (typeof o !== 'object') throw new TypeError('R2 get failed: options must be an object');
        r2.get(handle, keyOf(key), conditions(o.onlyIf, 'get'), range(o.range), (row, hasBody, body, offset, length) => {
          try {
            if (row === null) resolve(null);
            else if (!hasBody) resolve(new R2Object(internal, row, -1, -1));
            else resolve(new R2ObjectBody(internal, row, body, offset, length));
          } catch (e) { reject(e); }
        }, fail);
      });
    }
    put(key, value, options) {
      const handle = bucketHandle(this);
      return call((resolve, reject, fail) => {
        const o = options === undefined || options === null ? {} : options;
        if (typeof o !== 'object') throw new TypeError('R2 put failed: options must be an object');
        if (o.ssecKey !== undefined) throw new TypeError('R2 put failed: ssecKey (customer-supplied encryption keys) is not supported by this runtime');
        if (o.storageClass !== undefined && o.storageClass !== 'Standard') throw new TypeError(`R2 put failed: storageClass "${String(o.storageClass)}" is not supported; only "Standard" is`);
        const k = keyOf(key);
        const cond = conditions(o.onlyIf, 'put');
        const http = httpRow(o.httpMetadata);
        const custom = customRow(o.customMetadata);
        const sums = checksumRow(o);
        r2.put(handle, k, valueForHost(value), http, custom, sums, cond, (row) => {
          try { resolve(row === null ? null : new R2Object(internal, row, -1, -1)); } catch (e) { reject(e); }
        }, fail);
      });
    }
    delete(keys) {
      const handle = bucketHandle(this);
      return call((resolve, reject, fail) => {
        const list = [];
        if (ArrayIsArray(keys)) { for (let i = 0; i < keys.length; i++) list[i] = keyOf(keys[i]); }
        else list[0] = keyOf(keys);
        r2.del(handle, list, () => resolve(undefined), fail);
      });
    }
    list(options) {
      const handle = bucketHandle(this);
      return call((resolve, reject, fail) => {
        const o = options === undefined || options === null ? {} : options;
        if (typeof o !== 'object') throw new TypeError('R2 list failed: options must be an object');
        const text = (v) => (v === undefined || v === null ? null : String(v));
        const include = { http: false, custom: false };
        if (o.include !== undefined && o.include !== null) {
          if (!ArrayIsArray(o.include)) throw new TypeError('R2 list failed: include must be an array');
          for (let i = 0; i < o.include.length; i++) {
            const f = o.include[i];
            if (f === 'httpMetadata') include.http = true;
            else if (f === 'customMetadata') include.custom = true;
            else throw new TypeError(`R2 list failed: include holds "${String(f)}"; it may hold "httpMetadata" and "customMetadata"`);
          }
        }
        const limit = o.limit === undefined || o.limit === null ? null : Number(o.limit);
        r2.list(handle, text(o.prefix), text(o.delimiter), text(o.cursor), text(o.startAfter), limit,
          (rows, truncated, cursor, prefixes) => {
            try {
              const objects = [];
              for (let i = 0; i < rows.length; i++) objects[i] = new R2Object(internal, rows[i], -1, -1, include);
              const delimitedPrefixes = [];
              for (let i = 0; i < prefixes.length; i++) delimitedPrefixes[i] = prefixes[i];
              resolve(truncated ? { objects, truncated: true, cursor, delimitedPrefixes }
                : { objects, truncated: false, delimitedPrefixes });
            } catch (e) { reject(e); }
          }, fail);
      });
    }
    // GET/HEAD/PUT/DELETE of the object at a path ('/data.json', 'data.json', or a URL's path).
    fetch(input, init) {
      const handle = bucketHandle(this);
      return call((resolve, reject, fail) => {
        const req = input instanceof Request ? new Request(input, init) : new Request(new URL(String(input), BASE).href, init);
        const url = req.url;
        r2.fetch(handle, req.method, new URL(url).pathname, headersFlat(req.headers), internal.bodyForHost(req.body),
          (status, statusText, flat, body) => {
            try {
              const h = new Headers();
              for (let i = 0; i + 1 < flat.length; i += 2) h.append(flat[i], flat[i + 1]);
              resolve(receivedResponse(status, statusText, h, body === null ? null : internal.streamFromHost(body), url, false));
            } catch (e) { reject(e); }
          }, fail);
      });
    }
    get [Symbol.toStringTag]() { return 'R2Bucket'; }
  }
  Object.assign(internal, { R2Bucket, R2Object, R2ObjectBody, R2Checksums });
  internal.bindingKinds = internal.bindingKinds || {};
  internal.bindingKinds.r2 = (handle) => new R2Bucket(internal, handle);
})
