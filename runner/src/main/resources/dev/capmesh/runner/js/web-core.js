// capmesh worker runtime, part 1: encoding, URL, Headers, events, abort, clone, console,
// timers, crypto (but crypto.subtle). Evaluated once per context as a function of (host, internal); nothing here
// is reachable from worker code except what is installed on globalThis at the end.
(function capmeshSetup_core(host, internal) {
  'use strict';
  const defineGlobal = (name, value) => Object.defineProperty(globalThis, name, {
    value, writable: true, configurable: true, enumerable: false });

  // ---- bytes <-> strings ----
  function latin1ToBytes(s) {
    const out = new Uint8Array(s.length);
    for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
    return out;
  }
  // Bytes handed to the host are read through intrinsics captured here, before worker code runs,
  // from the values' internal slots: a worker that redefines `buffer` or `byteLength` on the
  // prototypes cannot hand the host something that is not what it claims.
  const U8 = Uint8Array;
  const slotGetter = (proto, key) => {
    const get = Object.getOwnPropertyDescriptor(proto, key).get;
    return (v) => Reflect.apply(get, v, []);
  };
  const TYPED = Object.getPrototypeOf(Uint8Array.prototype);
  const typedKind = slotGetter(TYPED, Symbol.toStringTag);
  const typedBuffer = slotGetter(TYPED, 'buffer');
  const typedOffset = slotGetter(TYPED, 'byteOffset');
  const typedLength = slotGetter(TYPED, 'byteLength');
  const viewBuffer = slotGetter(DataView.prototype, 'buffer');
  const viewOffset = slotGetter(DataView.prototype, 'byteOffset');
  const viewLength = slotGetter(DataView.prototype, 'byteLength');
  const bufferLength = slotGetter(ArrayBuffer.prototype, 'byteLength');
  const isArrayBufferView = ArrayBuffer.isView;
  const isArrayBuffer = (v) => { try { bufferLength(v); return true; } catch (e) { return false; } };
  function toUint8(data, what) {
    if (isArrayBufferView(data)) {
      const kind = typedKind(data);
      if (kind === 'Uint8Array') return data;
      if (kind !== undefined) return new U8(typedBuffer(data), typedOffset(data), typedLength(data));
      return new U8(viewBuffer(data), viewOffset(data), viewLength(data));
    }
    if (isArrayBuffer(data)) return new U8(data);
    throw new TypeError(what + ' must be an ArrayBuffer or ArrayBufferView');
  }
  // A standalone ArrayBuffer holding exactly the bytes of view (the host reads whole buffers).
  function exactBuffer(u8) {
    const buffer = typedBuffer(u8);
    if (typedOffset(u8) === 0 && typedLength(u8) === bufferLength(buffer)) return buffer;
    return typedBuffer(new U8(u8));
  }
  internal.latin1ToBytes = latin1ToBytes;
  internal.toUint8 = toUint8;
  internal.exactBuffer = exactBuffer;
  // The same slot readers for the clone codec (web-url.js), so both read one set of intrinsics.
  internal.slots = Object.freeze({ typedKind, typedBuffer, typedOffset, typedByteLength: typedLength,
    typedLength: slotGetter(TYPED, 'length'), viewBuffer, viewOffset, viewLength, bufferLength });

  function utf8Encode(str) {
    str = String(str);
    const out = new Uint8Array(str.length * 3);
    let n = 0;
    for (let i = 0; i < str.length; i++) {
      let c = str.charCodeAt(i);
      if (c >= 0xd800 && c <= 0xdbff && i + 1 < str.length) {
        const d = str.charCodeAt(i + 1);
        if (d >= 0xdc00 && d <= 0xdfff) { c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00); i++; }
        else c = 0xfffd;
      } else if (c >= 0xd800 && c <= 0xdfff) {
        c = 0xfffd; // lone surrogate
      }
      if (c < 0x80) out[n++] = c;
      else if (c < 0x800) { out[n++] = 0xc0 | (c >> 6); out[n++] = 0x80 | (c & 63); }
      else if (c < 0x10000) { out[n++] = 0xe0 | (c >> 12); out[n++] = 0x80 | ((c >> 6) & 63); out[n++] = 0x80 | (c & 63); }
      else { out[n++] = 0xf0 | (c >> 18); out[n++] = 0x80 | ((c >> 12) & 63); out[n++] = 0x80 | ((c >> 6) & 63); out[n++] = 0x80 | (c & 63); }
    }
    return out.slice(0, n);
  }
  internal.utf8Encode = utf8Encode;

  // Decodes bytes[start, end); returns [text, index of an incomplete trailing sequence].
  function utf8Decode(bytes, fatal, stream) {
    let s = '';
    const parts = [];
    let i = 0;
    const len = bytes.length;
    const bad = () => { if (fatal) throw new TypeError('The encoded data was not valid for encoding utf-8'); return 0xfffd; };
    let codes = [];
    while (i < len) {
      const b = bytes[i];
      let cp, need, min;
      if (b < 0x80) { codes.push(b); i++; }
      else {
        if (b >= 0xc2 && b <= 0xdf) { need = 1; cp = b & 0x1f; min = 0x80; }
        else if (b >= 0xe0 && b <= 0xef) { need = 2; cp = b & 0x0f; min = 0x800; }
        else if (b >= 0xf0 && b <= 0xf4) { need = 3; cp = b & 0x07; min = 0x10000; }
        else { codes.push(bad()); i++; continue; }
        // The second byte's range excludes overlongs, surrogates and values past U+10FFFF, so a
        // bad sequence ends at its maximal subpart (one U+FFFD for it, as the Encoding Standard says).
        const lo = b === 0xe0 ? 0xa0 : b === 0xf0 ? 0x90 : 0x80;
        const hi = b === 0xed ? 0x9f : b === 0xf4 ? 0x8f : 0xbf;
        let j = 1;
        for (; j <= need; j++) {
          if (i + j >= len) break;
          const c = bytes[i + j];
          if (c < (j === 1 ? lo : 0x80) || c > (j === 1 ? hi : 0xbf)) break;
          cp = (cp << 6) | (c & 0x3f);
        }
        if (j <= need) {
          if (i + j >= len && stream) { flush(); return [parts.join(''), i]; }
          codes.push(bad()); i += j; continue;
        }
        if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) { codes.push(bad()); i += need + 1; continue; }
        if (cp >= 0x10000) { cp -= 0x10000; codes.push(0xd800 + (cp >> 10), 0xdc00 + (cp & 0x3ff)); }
        else codes.push(cp);
        i += need + 1;
      }
      if (codes.length > 8192) flush();
    }
    flush();
    return [parts.join(''), len];
    function flush() { if (codes.length) { parts.push(String.fromCharCode.apply(null, codes)); codes = []; } }
  }

  class TextEncoder {
    get encoding() { return 'utf-8'; }
    encode(input = '') { return utf8Encode(input); }
    encodeInto(src, dest) {
      const bytes = utf8Encode(src);
      // Only whole characters are written: step back over a cut multi-byte sequence.
      let n = Math.min(bytes.length, dest.length);
      if (n < bytes.length) while (n > 0 && (bytes[n] & 0xc0) === 0x80) n--;
      dest.set(bytes.subarray(0, n));
      const read = new TextDecoder().decode(bytes.subarray(0, n)).length;
      return { read, written: n };
    }
  }
  // UTF-8 is decoded here; every other encoding of the Encoding Standard by the host
  // (TextDecoders.java), whose label table also answers for labels not listed here.
  const UTF8_LABELS = ['utf-8', 'utf8', 'unicode-1-1-utf-8'];
  const EMPTY = new Uint8Array(0);
  class TextDecoder {
    #encoding = 'utf-8'; #host = null; #fatal; #ignoreBOM; #pending = EMPTY; #bomSeen = false;
    constructor(label = 'utf-8', options = {}) {
      const text = String(label);
      if (!UTF8_LABELS.includes(text.trim().toLowerCase())) {
        const name = host.encodingFor(text);
        if (name === null || name === 'replacement') {
          throw new RangeError(`The encoding label provided ('${text}') is not supported`);
        }
        if (name !== 'utf-8') { this.#encoding = name; this.#host = host.decoderNew(name); }
      }
      this.#fatal = !!(options && options.fatal);
      this.#ignoreBOM = !!(options && options.ignoreBOM);
    }
    get encoding() { return this.#encoding; }
    get fatal() { return this.#fatal; }
    get ignoreBOM() { return this.#ignoreBOM; }
    decode(input, options = {}) {
      const stream = !!(options && options.stream);
      if (this.#host !== null) return this.#hostDecode(input, stream);
      let bytes = input === undefined ? EMPTY : toUint8(input, 'input');
      if (this.#pending.length) {
        const joined = new Uint8Array(this.#pending.length + bytes.length);
        joined.set(this.#pending); joined.set(bytes, this.#pending.length);
        bytes = joined;
        this.#pending = EMPTY; // a fatal error below must not leave it behind
      }
      if (!this.#bomSeen && !this.#ignoreBOM) {
        if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) { bytes = bytes.subarray(3); this.#bomSeen = true; }
        else if (bytes.length >= 3 || !stream) this.#bomSeen = true;
      }
      const [text, used] = utf8Decode(bytes, this.#fatal, stream);
      this.#pending = bytes.slice(used);
      if (!stream) { this.#pending = EMPTY; this.#bomSeen = false; }
      return text;
    }
    #hostDecode(input, stream) {
      const bytes = input === undefined ? EMPTY : toUint8(input, 'input');
      let text = host.decode(this.#host, exactBuffer(bytes), stream, this.#fatal);
      if (text === null) {
        this.#bomSeen = false;
        throw new TypeError(`The encoded data was not valid for encoding ${this.#encoding}`);
      }
      // UTF-16's byte order mark is dropped from the output, once per stream, as for UTF-8.
      if (!this.#ignoreBOM && !this.#bomSeen && text.length && this.#encoding.startsWith('utf-16')) {
        this.#bomSeen = true;
        if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      }
      if (!stream) this.#bomSeen = false;
      return text;
    }
  }
  internal.utf8Decode = (bytes) => utf8Decode(bytes, false, false)[0];

  const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  function btoa(data) {
    if (arguments.length === 0) throw new TypeError("Failed to execute 'btoa': 1 argument required");
    const s = String(data);
    let out = '';
    for (let i = 0; i < s.length; i += 3) {
      const a = s.charCodeAt(i), b = s.charCodeAt(i + 1), c = s.charCodeAt(i + 2);
      if (a > 255 || b > 255 || c > 255) throw new DOMException('Invalid character', 'InvalidCharacterError');
      const n = (a << 16) | ((b || 0) << 8) | (c || 0);
      out += B64[n >> 18] + B64[(n >> 12) & 63] + (i + 1 < s.length ? B64[(n >> 6) & 63] : '=') + (i + 2 < s.length ? B64[n & 63] : '=');
    }
    return out;
  }
  function atob(data) {
    if (arguments.length === 0) throw new TypeError("Failed to execute 'atob': 1 argument required");
    let s = String(data).replace(/[\t\n\f\r ]/g, '');
    if (s.length % 4 === 0) s = s.replace(/==?$/, '');
    if (s.length % 4 === 1 || /[^A-Za-z0-9+/]/.test(s)) throw new DOMException('The string to be decoded is not correctly encoded.', 'InvalidCharacterError');
    let out = '', bits = 0, acc = 0;
    for (let i = 0; i < s.length; i++) {
      acc = (acc << 6) | B64.indexOf(s[i]); bits += 6;
      if (bits >= 8) { bits -= 8; out += String.fromCharCode((acc >> bits) & 255); }
    }
    return out;
  }
  internal.base64ToBytes = (b64) => latin1ToBytes(atob(b64));

  class DOMException extends Error {
    #name; #code;
    constructor(message = '', name = 'Error') { super(message); this.#name = String(name); }
    get name() { return this.#name; }
    get code() { return ({ AbortError: 20, TimeoutError: 23, DataCloneError: 25, InvalidCharacterError: 5 })[this.#name] || 0; }
    // A brand check that no property of the value can fake.
    static { internal.isDOMException = (v) => v !== null && typeof v === 'object' && #name in v; }
  }

  // ---- events and abort ----
  // Internals are module-private: #private fields reached through these functions, which are
  // assigned in static blocks and never installed where worker code could reach them.
  let eventStopped, abortSignal;
  class Event {
    #type; #cancelable; #defaultPrevented = false; #stopped = false;
    constructor(type, init = {}) { this.#type = String(type); this.#cancelable = !!init.cancelable; this.timeStamp = Date.now(); }
    get type() { return this.#type; }
    get cancelable() { return this.#cancelable; }
    get defaultPrevented() { return this.#defaultPrevented; }
    preventDefault() { if (this.#cancelable) this.#defaultPrevented = true; }
    stopImmediatePropagation() { this.#stopped = true; }
    stopPropagation() {}
    static { eventStopped = (e) => e !== null && typeof e === 'object' && #stopped in e && e.#stopped; }
  }
  class EventTarget {
    #listeners = new Map();
    addEventListener(type, listener, options) {
      if (listener == null) return;
      const once = typeof options === 'object' && options !== null && !!options.once;
      const list = this.#listeners.get(type) || [];
      if (!list.some((l) => l.listener === listener)) list.push({ listener, once });
      this.#listeners.set(type, list);
      const signal = typeof options === 'object' && options !== null ? options.signal : undefined;
      if (signal) signal.addEventListener('abort', () => this.removeEventListener(type, listener));
    }
    removeEventListener(type, listener) {
      const list = this.#listeners.get(type);
      if (list) this.#listeners.set(type, list.filter((l) => l.listener !== listener));
    }
    dispatchEvent(event) {
      const list = (this.#listeners.get(event.type) || []).slice();
      for (const l of list) {
        if (l.once) this.removeEventListener(event.type, l.listener);
        if (typeof l.listener === 'function') l.listener.call(this, event);
        else if (l.listener && typeof l.listener.handleEvent === 'function') l.listener.handleEvent(event);
        if (eventStopped(event)) break;
      }
      return !event.defaultPrevented;
    }
  }
  class AbortSignal extends EventTarget {
    #aborted = false; #reason = undefined;
    constructor(key) { super(); if (key !== internal) throw new TypeError('Illegal constructor'); this.onabort = null; }
    get aborted() { return this.#aborted; }
    get reason() { return this.#reason; }
    throwIfAborted() { if (this.#aborted) throw this.#reason; }
    #abort(reason) {
      if (this.#aborted) return;
      this.#aborted = true;
      this.#reason = reason === undefined ? new DOMException('This operation was aborted', 'AbortError') : reason;
      const ev = new Event('abort');
      if (typeof this.onabort === 'function') this.onabort(ev);
      this.dispatchEvent(ev);
    }
    static { abortSignal = (s, reason) => s.#abort(reason); }
    static abort(reason) { const s = new AbortSignal(internal); abortSignal(s, reason); return s; }
    static timeout(ms) {
      const s = new AbortSignal(internal);
      setTimeout(() => abortSignal(s, new DOMException('The operation timed out.', 'TimeoutError')), ms);
      return s;
    }
    static any(signals) {
      const s = new AbortSignal(internal);
      for (const x of signals) {
        if (x.aborted) { abortSignal(s, x.reason); break; }
        x.addEventListener('abort', () => abortSignal(s, x.reason));
      }
      return s;
    }
  }
  class AbortController {
    #signal = new AbortSignal(internal);
    get signal() { return this.#signal; }
    abort(reason) { abortSignal(this.#signal, reason); }
  }

  // ---- timers (scheduled by the host, run back on this context's thread) ----
  function setTimeout(callback, delay = 0, ...args) {
    if (typeof callback !== 'function') throw new TypeError('setTimeout: callback must be a function');
    return host.setTimer(Math.max(0, Number(delay) || 0), false, () => callback(...args));
  }
  function setInterval(callback, delay = 0, ...args) {
    if (typeof callback !== 'function') throw new TypeError('setInterval: callback must be a function');
    return host.setTimer(Math.max(1, Number(delay) || 0), true, () => callback(...args));
  }
  function clearTimeout(id) { if (typeof id === 'number') host.clearTimer(id); }
  function queueMicrotask(callback) {
    if (typeof callback !== 'function') throw new TypeError('queueMicrotask: callback must be a function');
    Promise.resolve().then(() => callback());
  }

  // ---- console: formatted here, redacted and logged by the host ----
  function formatValue(v, depth = 0) {
    if (typeof v === 'string') return depth ? JSON.stringify(v) : v;
    if (typeof v === 'bigint') return v + 'n';
    if (v === null || typeof v !== 'object' && typeof v !== 'function') return String(v);
    if (typeof v === 'function') return `[Function: ${v.name || 'anonymous'}]`;
    if (v instanceof Error) return v.stack || `${v.name}: ${v.message}`;
    if (depth > 2) return Array.isArray(v) ? '[Array]' : '[Object]';
    if (Array.isArray(v)) return '[ ' + v.map((x) => formatValue(x, depth + 1)).join(', ') + ' ]';
    if (v instanceof Map) return `Map(${v.size}) { ` + [...v].map(([k, x]) => `${formatValue(k, depth + 1)} => ${formatValue(x, depth + 1)}`).join(', ') + ' }';
    if (v instanceof Set) return `Set(${v.size}) { ` + [...v].map((x) => formatValue(x, depth + 1)).join(', ') + ' }';
    if (v instanceof Date) return v.toISOString();
    const platform = internal.formatPlatformObject && internal.formatPlatformObject(v, depth);
    if (platform !== undefined) return platform;
    const name = v.constructor && v.constructor !== Object ? v.constructor.name + ' ' : '';
    const keys = Object.keys(v);
    return name + '{ ' + keys.map((k) => `${k}: ${formatValue(v[k], depth + 1)}`).join(', ') + (keys.length ? ' }' : '}');
  }
  function formatArgs(args) {
    if (typeof args[0] === 'string' && /%[sdifoOj%]/.test(args[0])) {
      let i = 1;
      const head = args[0].replace(/%([sdifoOj%])/g, (m, f) => {
        if (f === '%') return '%';
        if (i >= args.length) return m;
        const a = args[i++];
        if (f === 's') return typeof a === 'string' ? a : formatValue(a, 1);
        if (f === 'd' || f === 'i') return String(f === 'i' ? parseInt(a) : Number(a));
        if (f === 'f') return String(parseFloat(a));
        return formatValue(a, 1);
      });
      return [head, ...args.slice(i).map((a) => formatValue(a))].join(' ');
    }
    return args.map((a) => formatValue(a)).join(' ');
  }
  internal.formatValue = formatValue;
  const console = {};
  for (const level of ['log', 'info', 'debug', 'warn', 'error', 'trace']) {
    console[level] = (...args) => host.log(level, formatArgs(args));
  }

  // ---- crypto (crypto.subtle and CryptoKey: web-crypto.js) ----
  const crypto = {
    getRandomValues(array) {
      if (!ArrayBuffer.isView(array) || array instanceof Float32Array || array instanceof Float64Array || array instanceof DataView) {
        throw new DOMException('The data argument must be an integer-type TypedArray', 'TypeMismatchError');
      }
      if (array.byteLength > 65536) throw new DOMException(`The ArrayBufferView's byte length (${array.byteLength}) exceeds the number of bytes of entropy available via this API (65536)`, 'QuotaExceededError');
      new Uint8Array(array.buffer, array.byteOffset, array.byteLength).set(latin1ToBytes(host.randomBytes(array.byteLength)));
      return array;
    },
    randomUUID() {
      const b = crypto.getRandomValues(new Uint8Array(16));
      b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
      const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
      return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
    },
  };
  internal.crypto = crypto;

  Object.assign(internal, { DOMException, Event, EventTarget, AbortSignal });
  for (const [k, v] of Object.entries({ TextEncoder, TextDecoder, btoa, atob, DOMException, Event, EventTarget,
    AbortController, AbortSignal, setTimeout, setInterval, clearTimeout, clearInterval: clearTimeout,
    queueMicrotask, console, crypto })) defineGlobal(k, v);
})
