// capmesh worker runtime, part 3b: Blob, File, FormData, and the multipart/form-data and
// application/x-www-form-urlencoded codecs behind Request/Response bodies. The classes are built
// on first use (a getter on globalThis builds them and replaces itself with the value), so a
// context whose worker never touches them pays only for three accessor properties.
(function capmeshSetup_form(host, internal) {
  'use strict';
  let built = null;

  function lazyGlobal(name) {
    const define = (value) => Object.defineProperty(globalThis, name, {
      value, writable: true, configurable: true, enumerable: false });
    Object.defineProperty(globalThis, name, {
      configurable: true, enumerable: false,
      get() { const v = build()[name]; define(v); return v; },
      set(v) { define(v); },
    });
  }

  // Hooks for web-fetch.js; before the first build no Blob or FormData can exist.
  internal.isBlob = (v) => built !== null && built.isBlob(v);
  internal.isFormData = (v) => built !== null && built.isFormData(v);
  internal.blobBytes = (b) => built.blobBytes(b);
  // A Blob of body bytes the runtime owns, typed from a Content-Type header (or untyped).
  internal.blobOf = (bytes, contentType) => {
    const b = build();
    return new b.Blob(internal.key, bytes, contentType === null ? '' : internal.mimeForBlob(contentType).toLowerCase());
  };
  internal.serializeForm = (fd) => build().serialize(fd);
  internal.parseForm = (bytes, contentType) => build().parse(bytes, contentType);
  internal.key = {}; // lets the runtime build a Blob around bytes it owns without a copy
  for (const name of ['Blob', 'File', 'FormData']) lazyGlobal(name);

  function build() {
    if (built !== null) return built;
    const { utf8Encode, utf8Decode, toUint8, URLSearchParams } = internal;
    const KEY = internal.key;
    const usv = (v) => {
      const s = String(v);
      return /[\ud800-\udfff]/.test(s) ? s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd') : s;
    };
    const EMPTY = new Uint8Array(0);
    function concat(chunks, total) {
      if (chunks.length === 1) return chunks[0];
      const out = new Uint8Array(total);
      let at = 0;
      for (const c of chunks) { out.set(c, at); at += c.length; }
      return out;
    }
    // The File API's type normalization: printable ASCII only, lower-cased; anything else is ''.
    const normalizeType = (t) => (t === undefined ? '' : /^[\x20-\x7e]*$/.test(String(t)) ? String(t).toLowerCase() : '');

    let blobBytes, isBlob;
    class Blob {
      #bytes; #type;
      constructor(parts = [], options = {}) {
        if (parts === KEY) { this.#bytes = options; this.#type = arguments[2] || ''; return; }
        if (parts === null || typeof parts !== 'object' && typeof parts !== 'function' || typeof parts[Symbol.iterator] !== 'function') {
          throw new TypeError("Failed to construct 'Blob': The provided value cannot be converted to a sequence.");
        }
        if (options !== undefined && options !== null && typeof options !== 'object' && typeof options !== 'function') {
          throw new TypeError("Failed to construct 'Blob': The provided value is not of type 'BlobPropertyBag'.");
        }
        const endings = options == null || options.endings === undefined ? 'transparent' : String(options.endings);
        if (endings !== 'transparent' && endings !== 'native') {
          throw new TypeError(`Failed to construct 'Blob': The provided value '${endings}' is not a valid enum value of type EndingType.`);
        }
        const chunks = [];
        let total = 0;
        for (const part of parts) {
          let u8;
          if (isBlob(part)) u8 = part.#bytes;
          else if (ArrayBuffer.isView(part) || part instanceof ArrayBuffer) u8 = toUint8(part, 'Blob part').slice();
          else {
            let s = usv(part);
            if (endings === 'native') s = s.replace(/\r\n?/g, '\n');
            u8 = utf8Encode(s);
          }
          chunks.push(u8);
          total += u8.length;
        }
        this.#bytes = total === 0 ? EMPTY : concat(chunks, total);
        this.#type = normalizeType(options == null ? undefined : options.type);
      }
      static {
        blobBytes = (b) => b.#bytes;
        isBlob = (v) => v !== null && typeof v === 'object' && #bytes in v;
      }
      get size() { return this.#bytes.length; }
      get type() { return this.#type; }
      slice(start, end, contentType) {
        const size = this.#bytes.length;
        const clamp = (v, dflt) => {
          if (v === undefined) return dflt;
          const n = Math.trunc(Number(v)) || 0;
          return n < 0 ? Math.max(size + n, 0) : Math.min(n, size);
        };
        const from = clamp(start, 0), to = clamp(end, size);
        return new Blob(KEY, to > from ? this.#bytes.subarray(from, to) : EMPTY, normalizeType(contentType));
      }
      async arrayBuffer() { return this.#bytes.slice().buffer; }
      async bytes() { return this.#bytes.slice(); }
      async text() { return utf8Decode(this.#bytes); }
      stream() {
        const bytes = this.#bytes;
        let at = 0;
        return new internal.ReadableStream({
          type: 'bytes',
          pull(c) {
            // Chunks of at most 64 KiB, copied: a reader may transfer or change what it gets.
            const n = Math.min(65536, bytes.length - at);
            if (n > 0) { c.enqueue(bytes.slice(at, at + n)); at += n; }
            if (at >= bytes.length) internal.closeBytes(c);
          },
        });
      }
      get [Symbol.toStringTag]() { return 'Blob'; }
    }

    class File extends Blob {
      #name; #lastModified;
      constructor(bits, name, options = {}) {
        if (arguments.length < 2) throw new TypeError(`Failed to construct 'File': 2 arguments required, but only ${arguments.length} present.`);
        super(bits, options);
        this.#name = usv(name);
        const lm = options == null ? undefined : options.lastModified;
        this.#lastModified = lm === undefined ? Date.now() : Math.trunc(Number(lm)) || 0;
      }
      get name() { return this.#name; }
      get lastModified() { return this.#lastModified; }
      get webkitRelativePath() { return ''; }
      get [Symbol.toStringTag]() { return 'File'; }
      static { internal.isFile = (v) => v !== null && typeof v === 'object' && #name in v; }
    }
    const isFile = internal.isFile;

    // The entry a value becomes in a FormData (XHR "create an entry").
    function entryValue(value, filename, hasFilename, what) {
      if (!isBlob(value)) {
        if (hasFilename) throw new TypeError(`Failed to execute '${what}' on 'FormData': parameter 2 is not of type 'Blob'.`);
        return usv(value);
      }
      if (!isFile(value) || hasFilename) {
        return new File([value], hasFilename ? filename : isFile(value) ? value.name : 'blob',
          { type: value.type, lastModified: isFile(value) ? value.lastModified : undefined });
      }
      return value;
    }

    let formEntries, isFormData;
    class FormData {
      #list = [];
      constructor(form) {
        if (form !== undefined) throw new TypeError("Failed to construct 'FormData': parameter 1 is not of type 'HTMLFormElement'.");
      }
      static {
        formEntries = (f) => f.#list;
        isFormData = (v) => v !== null && typeof v === 'object' && #list in v;
      }
      #need(args, n, what) {
        if (args.length < n) throw new TypeError(`Failed to execute '${what}' on 'FormData': ${n} argument${n > 1 ? 's' : ''} required, but only ${args.length} present.`);
      }
      append(name, value, filename) {
        this.#need(arguments, 2, 'append');
        this.#list.push([usv(name), entryValue(value, filename === undefined ? undefined : usv(filename), arguments.length > 2, 'append')]);
      }
      delete(name) { this.#need(arguments, 1, 'delete'); name = usv(name); this.#list = this.#list.filter((e) => e[0] !== name); }
      get(name) { this.#need(arguments, 1, 'get'); name = usv(name); const e = this.#list.find((x) => x[0] === name); return e ? e[1] : null; }
      getAll(name) { this.#need(arguments, 1, 'getAll'); name = usv(name); return this.#list.filter((x) => x[0] === name).map((x) => x[1]); }
      has(name) { this.#need(arguments, 1, 'has'); name = usv(name); return this.#list.some((x) => x[0] === name); }
      set(name, value, filename) {
        this.#need(arguments, 2, 'set');
        name = usv(name);
        const entry = [name, entryValue(value, filename === undefined ? undefined : usv(filename), arguments.length > 2, 'set')];
        const i = this.#list.findIndex((x) => x[0] === name);
        if (i < 0) this.#list.push(entry);
        else this.#list = this.#list.filter((x, j) => j === i || x[0] !== name).map((x) => (x[0] === name ? entry : x));
      }
      forEach(cb, thisArg) { for (const [k, v] of this.entries()) cb.call(thisArg, v, k, this); }
      *entries() { for (let i = 0; i < this.#list.length; i++) yield [this.#list[i][0], this.#list[i][1]]; }
      *keys() { for (const [k] of this.entries()) yield k; }
      *values() { for (const [, v] of this.entries()) yield v; }
      [Symbol.iterator]() { return this.entries(); }
      get [Symbol.toStringTag]() { return 'FormData'; }
    }

    // ---- multipart/form-data (HTML's encoding algorithm; the Fetch Standard's parser) ----
    const escapeField = (s) => s.replace(/\n/g, '%0A').replace(/\r/g, '%0D').replace(/"/g, '%22');
    function randomBoundary() {
      const digits = internal.crypto.getRandomValues(new Uint8Array(12));
      let s = '';
      for (const d of digits) s += String(d % 10);
      return '----formdata-capmesh-' + s;
    }
    function serialize(fd) {
      const boundary = randomBoundary();
      const chunks = [];
      let total = 0;
      const push = (u8) => { chunks.push(u8); total += u8.length; };
      for (const [name, value] of formEntries(fd)) {
        let head = `--${boundary}\r\nContent-Disposition: form-data; name="${escapeField(name)}"`;
        if (typeof value === 'string') {
          push(utf8Encode(head + '\r\n\r\n' + value.replace(/\r\n|\r|\n/g, '\r\n') + '\r\n'));
        } else {
          head += `; filename="${escapeField(value.name)}"\r\nContent-Type: ${value.type || 'application/octet-stream'}\r\n\r\n`;
          push(utf8Encode(head));
          push(blobBytes(value));
          push(utf8Encode('\r\n'));
        }
      }
      push(utf8Encode(`--${boundary}--\r\n`));
      return { bytes: concat(chunks, total), type: `multipart/form-data; boundary=${boundary}` };
    }

    // A MIME type's essence and parameters (names lower-cased), or null if it does not parse.
    function parseMime(text) {
      const parts = String(text).split(';');
      const essence = parts[0].trim().toLowerCase();
      if (!/^[!#$%&'*+\-.^_`|~0-9a-z]+\/[!#$%&'*+\-.^_`|~0-9a-z]+$/.test(essence)) return null;
      const params = new Map();
      for (let i = 1; i < parts.length; i++) {
        const p = parts[i].trim();
        const eq = p.indexOf('=');
        if (eq <= 0) continue;
        const k = p.slice(0, eq).toLowerCase();
        let v = p.slice(eq + 1);
        if (v.startsWith('"')) v = v.slice(1, v.endsWith('"') && v.length > 1 ? -1 : undefined).replace(/\\(.)/g, '$1');
        if (!params.has(k)) params.set(k, v);
      }
      return { essence, params };
    }
    internal.mimeForBlob = (text) => {
      const m = parseMime(text);
      if (m === null) return '';
      let out = m.essence;
      for (const [k, v] of m.params) out += `;${k}=${/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(v) ? v : '"' + v.replace(/(["\\])/g, '\\$1') + '"'}`;
      return out;
    };

    const failure = () => new TypeError('Failed to parse body as FormData.');
    // The first index at or after `from` where `pattern` occurs in `hay`, or -1. Knuth-Morris-
    // Pratt, so a body built to look almost like a boundary everywhere still costs linear time.
    function indexOfBytes(hay, pattern, from, table) {
      let k = 0;
      for (let i = from; i < hay.length; i++) {
        const b = hay[i];
        while (k > 0 && pattern[k] !== b) k = table[k - 1];
        if (pattern[k] === b) k++;
        if (k === pattern.length) return i - k + 1;
      }
      return -1;
    }
    function failureTable(pattern) {
      const t = new Int32Array(pattern.length);
      for (let i = 1, k = 0; i < pattern.length; i++) {
        while (k > 0 && pattern[i] !== pattern[k]) k = t[k - 1];
        if (pattern[i] === pattern[k]) k++;
        t[i] = k;
      }
      return t;
    }
    const startsWith = (bytes, at, seq) => {
      if (at + seq.length > bytes.length) return false;
      for (let i = 0; i < seq.length; i++) if (bytes[at + i] !== seq[i]) return false;
      return true;
    };
    const CRLF = [13, 10];
    const DASHES = [45, 45];
    const unescapeField = (s) => s.replace(/%0A/g, '\n').replace(/%0D/g, '\r').replace(/%22/g, '"');
    // The part's headers, from `at` up to and including the empty line; [name, filename, type, next].
    function parsePartHeaders(bytes, at) {
      let name = null, filename = null, type = null;
      for (;;) {
        let end = -1;
        for (let i = at; i + 1 < bytes.length; i++) if (bytes[i] === 13 && bytes[i + 1] === 10) { end = i; break; }
        if (end < 0) throw failure();
        if (end === at) return [name, filename, type, end + 2];
        const line = internal.bytesToLatin1(bytes.subarray(at, end));
        at = end + 2;
        const colon = line.indexOf(':');
        if (colon <= 0) throw failure();
        const field = line.slice(0, colon).trim().toLowerCase();
        const value = line.slice(colon + 1).replace(/^[\t ]+|[\t ]+$/g, '');
        if (field === 'content-disposition') {
          const m = /^form-data; name="([^"]*)"(?:; filename="([^"]*)")?$/i.exec(value);
          if (m === null) throw failure();
          name = unescapeField(utf8Decode(internal.latin1ToBytes(m[1])));
          filename = m[2] === undefined ? null : unescapeField(utf8Decode(internal.latin1ToBytes(m[2])));
        } else if (field === 'content-type') {
          type = value;
        }
      }
    }
    function parseMultipart(bytes, boundaryText) {
      const boundary = internal.latin1ToBytes(boundaryText);
      if (/[^\x00-\xff]/.test(boundaryText) || boundary.length === 0 || boundary.length > 70) throw failure();
      const delimiter = new Uint8Array(boundary.length + 4);
      delimiter.set([13, 10, 45, 45]); delimiter.set(boundary, 4);
      const table = failureTable(delimiter);
      const fd = new FormData();
      const list = formEntries(fd);
      let at = 0;
      for (;;) {
        if (!startsWith(bytes, at, DASHES) || !startsWith(bytes, at + 2, boundary)) throw failure();
        at += 2 + boundary.length;
        if (startsWith(bytes, at, DASHES)) return fd; // the close delimiter; what follows is epilogue
        if (!startsWith(bytes, at, CRLF)) throw failure();
        const [name, filename, type, bodyStart] = parsePartHeaders(bytes, at + 2);
        if (name === null) throw failure();
        const bodyEnd = indexOfBytes(bytes, delimiter, bodyStart, table);
        if (bodyEnd < 0) throw failure();
        const body = bytes.subarray(bodyStart, bodyEnd);
        list.push([name, filename === null ? utf8Decode(body)
          : new File([body], filename, { type: type === null ? 'text/plain' : type })]);
        at = bodyEnd + 2;
      }
    }
    function parse(bytes, contentType) {
      const mime = contentType === null ? null : parseMime(contentType);
      if (mime !== null && mime.essence === 'multipart/form-data') {
        const boundary = mime.params.get('boundary');
        if (boundary === undefined) throw failure();
        return parseMultipart(bytes, boundary);
      }
      if (mime !== null && mime.essence === 'application/x-www-form-urlencoded') {
        const fd = new FormData();
        const list = formEntries(fd);
        for (const [k, v] of new URLSearchParams(utf8Decode(bytes))) list.push([k, v]);
        return fd;
      }
      throw new TypeError('Content-Type was not one of "multipart/form-data" or "application/x-www-form-urlencoded".');
    }

    built = { Blob, File, FormData, isBlob, isFormData, blobBytes, serialize, parse };
    return built;
  }
})
