// capmesh worker runtime, part 2: URL, URLSearchParams, Headers, structuredClone and the
// tagged clone format used for RPC between workers.
(function (host, internal) {
  'use strict';
  const defineGlobal = (name, value) => Object.defineProperty(globalThis, name, {
    value, writable: true, configurable: true, enumerable: false });

  // ---- URL (WHATWG URL Standard, the parts workers use: special and opaque schemes) ----
  const SPECIAL = { 'http:': '80', 'https:': '443', 'ws:': '80', 'wss:': '443', 'ftp:': '21', 'file:': '' };
  const C0 = (c) => c <= 0x20 || c > 0x7e;
  const PATH_SET = (c) => C0(c) || '"#<>?`{}'.includes(String.fromCharCode(c));
  const QUERY_SET = (c) => C0(c) || '"#<>'.includes(String.fromCharCode(c));
  const SPECIAL_QUERY_SET = (c) => QUERY_SET(c) || c === 0x27;
  const FRAGMENT_SET = (c) => C0(c) || '"<>`'.includes(String.fromCharCode(c));
  const USERINFO_SET = (c) => PATH_SET(c) || '/:;=@[\\]^|'.includes(String.fromCharCode(c));
  function pctEncode(s, inSet) {
    let out = '';
    for (const ch of s) {
      const c = ch.codePointAt(0);
      if (c < 0x80 && !inSet(c)) { out += ch; continue; }
      if (c === 0x25) { out += ch; continue; }
      for (const b of internal.utf8Encode(ch)) out += '%' + b.toString(16).toUpperCase().padStart(2, '0');
    }
    return out;
  }
  function parseIPv4Part(p) {
    if (p === '') return NaN;
    if (/^0[xX][0-9a-fA-F]*$/.test(p)) return p.length === 2 ? 0 : parseInt(p.slice(2), 16);
    if (/^0[0-7]+$/.test(p)) return parseInt(p.slice(1), 8);
    if (/^[0-9]+$/.test(p)) return parseInt(p, 10);
    return NaN;
  }
  function parseHost(input, special) {
    if (input.startsWith('[')) {
      if (!input.endsWith(']') || !/^[0-9a-fA-F:.]+$/.test(input.slice(1, -1))) throw new TypeError('Invalid URL');
      return input.toLowerCase();
    }
    if (!special) return pctEncode(input, C0);
    let host = decodeURIComponentSafe(input).toLowerCase();
    if (host === '' || /[\u0000\t\n\r #/:<>?@[\\\]^|%]/.test(host)) throw new TypeError('Invalid URL');
    const parts = host.split('.');
    if (parts[parts.length - 1] === '' && parts.length > 1) parts.pop();
    const last = parts[parts.length - 1];
    if (/^[0-9]+$/.test(last) || /^0[xX][0-9a-fA-F]*$/.test(last)) {
      const nums = parts.map(parseIPv4Part);
      if (nums.some(isNaN) || nums.length > 4) throw new TypeError('Invalid URL');
      let v = nums[nums.length - 1];
      if (v >= 256 ** (5 - nums.length)) throw new TypeError('Invalid URL');
      for (let i = 0; i < nums.length - 1; i++) { if (nums[i] > 255) throw new TypeError('Invalid URL'); v += nums[i] * 256 ** (3 - i); }
      return [v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255].join('.');
    }
    return host;
  }
  function decodeURIComponentSafe(s) { try { return decodeURIComponent(s); } catch (e) { return s; } }
  function normalizePath(segments, special) {
    const out = [];
    for (let seg of segments) {
      const low = seg.toLowerCase();
      if (low === '..' || low === '.%2e' || low === '%2e.' || low === '%2e%2e') { out.pop(); if (seg === segments[segments.length - 1]) out.push(''); continue; }
      if (low === '.' || low === '%2e') { if (seg === segments[segments.length - 1]) out.push(''); continue; }
      out.push(pctEncode(seg, PATH_SET));
    }
    return out;
  }

  function parseURL(input, base) {
    let s = String(input).replace(/^[\u0000-\u0020]+|[\u0000-\u0020]+$/g, '').replace(/[\t\n\r]/g, '');
    const rec = { protocol: '', username: '', password: '', hostname: '', port: '', path: [], opaque: null, query: null, fragment: null, hasHost: false };
    const hashAt = s.indexOf('#');
    if (hashAt >= 0) { rec.fragment = pctEncode(s.slice(hashAt + 1), FRAGMENT_SET); s = s.slice(0, hashAt); }
    const m = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(s);
    let rest;
    if (m) {
      rec.protocol = m[1].toLowerCase() + ':';
      rest = s.slice(m[0].length);
      const special = rec.protocol in SPECIAL;
      if (special && base && base.protocol === rec.protocol && !/^[/\\]/.test(rest)) {
        return relative(rest, base, rec);
      }
      if (special) rest = rest.replace(/\\/g, '/');
      if (special || rest.startsWith('//')) {
        if (special && !rest.startsWith('//')) rest = '//' + rest.replace(/^\/*/, '');
        return authorityAndPath(rest.replace(/^\/\/+/, special ? '' : '').replace(/^\/\//, ''), rec, special);
      }
      const qAt = rest.indexOf('?');
      if (qAt >= 0) { rec.query = pctEncode(rest.slice(qAt + 1), QUERY_SET); rest = rest.slice(0, qAt); }
      if (rest.startsWith('/')) { rec.path = normalizePath(rest.slice(1).split('/'), false); }
      else rec.opaque = pctEncode(rest, C0);
      return rec;
    }
    if (!base) throw new TypeError(`Invalid URL: ${input}`);
    if (base.opaque !== null) {
      if (s === '' && hashAt >= 0) return Object.assign({}, base, { fragment: rec.fragment });
      throw new TypeError(`Invalid URL: ${input}`);
    }
    rec.protocol = base.protocol;
    return relative(s, base, rec);
  }
  function relative(s, base, rec) {
    const special = rec.protocol in SPECIAL;
    if (special) s = s.replace(/\\/g, '/');
    if (s.startsWith('//')) return authorityAndPath(s.slice(2), rec, special);
    Object.assign(rec, { username: base.username, password: base.password, hostname: base.hostname, port: base.port, hasHost: base.hasHost });
    const qAt = s.indexOf('?');
    let pathPart = qAt >= 0 ? s.slice(0, qAt) : s;
    if (qAt >= 0) rec.query = pctEncode(s.slice(qAt + 1), special ? SPECIAL_QUERY_SET : QUERY_SET);
    if (pathPart === '') {
      rec.path = base.path.slice();
      if (qAt < 0) rec.query = base.query;
    } else if (pathPart.startsWith('/')) {
      rec.path = normalizePath(pathPart.slice(1).split('/'), special);
    } else {
      const merged = base.path.slice(0, -1).concat(pathPart.split('/'));
      rec.path = normalizePath(merged, special);
    }
    return rec;
  }
  function authorityAndPath(s, rec, special) {
    const end = s.search(/[/?]/);
    let auth = end < 0 ? s : s.slice(0, end);
    let rest = end < 0 ? '' : s.slice(end);
    const at = auth.lastIndexOf('@');
    if (at >= 0) {
      const info = auth.slice(0, at);
      auth = auth.slice(at + 1);
      const colon = info.indexOf(':');
      rec.username = pctEncode(colon >= 0 ? info.slice(0, colon) : info, USERINFO_SET);
      rec.password = colon >= 0 ? pctEncode(info.slice(colon + 1), USERINFO_SET) : '';
    }
    const pm = /:([0-9]*)$/.exec(auth);
    if (pm && !auth.endsWith(']')) {
      auth = auth.slice(0, pm.index);
      if (pm[1] !== '') {
        const port = parseInt(pm[1], 10);
        if (port > 65535) throw new TypeError('Invalid URL');
        rec.port = String(port) === SPECIAL[rec.protocol] ? '' : String(port);
      }
    } else if (/:[^\]]*$/.test(auth) && !auth.includes(']')) {
      throw new TypeError('Invalid URL');
    }
    if (special && auth === '' && rec.protocol !== 'file:') throw new TypeError('Invalid URL');
    rec.hostname = parseHost(auth, special);
    rec.hasHost = true;
    const qAt = rest.indexOf('?');
    if (qAt >= 0) { rec.query = pctEncode(rest.slice(qAt + 1), special ? SPECIAL_QUERY_SET : QUERY_SET); rest = rest.slice(0, qAt); }
    if (rest === '' && special) rec.path = [''];
    else rec.path = rest === '' ? [] : normalizePath(rest.slice(1).split('/'), special);
    return rec;
  }

  class URL {
    #r; #params;
    constructor(url, base) {
      const baseRec = base === undefined ? null : (base instanceof URL ? base.#r : parseURL(String(base), null));
      this.#r = parseURL(url instanceof URL ? url.href : String(url), baseRec);
      this.#params = new URLSearchParams(this.#r.query || '');
      this.#params._owner = (q) => { this.#r.query = q === '' ? null : q; };
    }
    static canParse(url, base) { try { new URL(url, base); return true; } catch (e) { return false; } }
    static parse(url, base) { try { return new URL(url, base); } catch (e) { return null; } }
    get protocol() { return this.#r.protocol; }
    set protocol(v) { const p = String(v).replace(/:.*$/, '').toLowerCase() + ':'; if ((p in SPECIAL) === (this.#r.protocol in SPECIAL)) { this.#r.protocol = p; if (this.#r.port === SPECIAL[p]) this.#r.port = ''; } }
    get username() { return this.#r.username; }
    set username(v) { this.#r.username = pctEncode(String(v), USERINFO_SET); }
    get password() { return this.#r.password; }
    set password(v) { this.#r.password = pctEncode(String(v), USERINFO_SET); }
    get host() { return this.#r.hostname + (this.#r.port ? ':' + this.#r.port : ''); }
    set host(v) { const u = parseURL(this.#r.protocol + '//' + String(v), null); this.#r.hostname = u.hostname; this.#r.port = u.port; }
    get hostname() { return this.#r.hostname; }
    set hostname(v) { this.#r.hostname = parseHost(String(v), this.#r.protocol in SPECIAL); }
    get port() { return this.#r.port; }
    set port(v) { const s = String(v); if (s === '') { this.#r.port = ''; return; } const n = parseInt(s, 10); if (n >= 0 && n <= 65535) this.#r.port = String(n) === SPECIAL[this.#r.protocol] ? '' : String(n); }
    get pathname() { return this.#r.opaque !== null ? this.#r.opaque : '/' + this.#r.path.join('/'); }
    set pathname(v) { if (this.#r.opaque !== null) return; const s = String(v).replace(/^\//, ''); this.#r.path = normalizePath(s.split(this.#r.protocol in SPECIAL ? /[/\\]/ : '/'), true); }
    get search() { return this.#r.query ? '?' + this.#r.query : ''; }
    set search(v) { const s = String(v).replace(/^\?/, ''); this.#r.query = s === '' ? null : pctEncode(s, SPECIAL_QUERY_SET); this.#params._replace(this.#r.query || ''); }
    get searchParams() { return this.#params; }
    get hash() { return this.#r.fragment ? '#' + this.#r.fragment : ''; }
    set hash(v) { const s = String(v).replace(/^#/, ''); this.#r.fragment = s === '' ? null : pctEncode(s, FRAGMENT_SET); }
    get origin() { return this.#r.protocol in SPECIAL && this.#r.protocol !== 'file:' ? this.#r.protocol + '//' + this.host : 'null'; }
    get href() {
      const r = this.#r;
      let out = r.protocol;
      if (r.hasHost) {
        out += '//';
        if (r.username || r.password) out += r.username + (r.password ? ':' + r.password : '') + '@';
        out += this.host;
      }
      out += this.pathname;
      if (r.query !== null) out += '?' + r.query;
      if (r.fragment !== null) out += '#' + r.fragment;
      return out;
    }
    set href(v) { const u = new URL(v); this.#r = u.#r; this.#params._replace(this.#r.query || ''); }
    toString() { return this.href; }
    toJSON() { return this.href; }
  }

  // ---- URLSearchParams (application/x-www-form-urlencoded) ----
  const FORM_SET = (c) => !((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x2a || c === 0x2d || c === 0x2e || c === 0x5f);
  function formEncode(s) {
    let out = '';
    for (const b of internal.utf8Encode(s)) {
      if (b === 0x20) out += '+';
      else if (!FORM_SET(b)) out += String.fromCharCode(b);
      else out += '%' + b.toString(16).toUpperCase().padStart(2, '0');
    }
    return out;
  }
  function formDecode(s) {
    const bytes = [];
    for (let i = 0; i < s.length; i++) {
      const ch = s[i];
      if (ch === '+') bytes.push(0x20);
      else if (ch === '%' && /^[0-9a-fA-F]{2}$/.test(s.slice(i + 1, i + 3))) { bytes.push(parseInt(s.slice(i + 1, i + 3), 16)); i += 2; }
      else for (const b of internal.utf8Encode(ch)) bytes.push(b);
    }
    return internal.utf8Decode(new Uint8Array(bytes));
  }
  class URLSearchParams {
    #list = [];
    constructor(init = '') {
      if (init instanceof URLSearchParams) this.#list = init.#list.map((p) => p.slice());
      else if (typeof init === 'object' && init !== null && typeof init[Symbol.iterator] === 'function') {
        for (const pair of init) {
          const p = [...pair];
          if (p.length !== 2) throw new TypeError('Each query pair must be an iterable [name, value] tuple');
          this.#list.push([String(p[0]), String(p[1])]);
        }
      } else if (typeof init === 'object' && init !== null) {
        for (const k of Object.keys(init)) this.#list.push([k, String(init[k])]);
      } else this._replace(String(init).replace(/^\?/, ''));
    }
    _replace(q) {
      this.#list = [];
      for (const part of q.split('&')) {
        if (part === '') continue;
        const eq = part.indexOf('=');
        this.#list.push(eq >= 0 ? [formDecode(part.slice(0, eq)), formDecode(part.slice(eq + 1))] : [formDecode(part), '']);
      }
    }
    #update() { if (this._owner) this._owner(this.toString()); }
    get size() { return this.#list.length; }
    append(k, v) { this.#list.push([String(k), String(v)]); this.#update(); }
    delete(k, v) { k = String(k); this.#list = this.#list.filter((p) => p[0] !== k || (v !== undefined && p[1] !== String(v))); this.#update(); }
    get(k) { const p = this.#list.find((x) => x[0] === String(k)); return p ? p[1] : null; }
    getAll(k) { return this.#list.filter((x) => x[0] === String(k)).map((x) => x[1]); }
    has(k, v) { return this.#list.some((p) => p[0] === String(k) && (v === undefined || p[1] === String(v))); }
    set(k, v) {
      k = String(k); v = String(v);
      const i = this.#list.findIndex((p) => p[0] === k);
      if (i < 0) this.#list.push([k, v]);
      else { this.#list[i][1] = v; this.#list = this.#list.filter((p, j) => j <= i || p[0] !== k); }
      this.#update();
    }
    sort() {
      // Stable sort by UTF-16 code units, as the standard says.
      this.#list = this.#list.map((p, i) => [p, i]).sort((a, b) => (a[0][0] < b[0][0] ? -1 : a[0][0] > b[0][0] ? 1 : a[1] - b[1])).map((x) => x[0]);
      this.#update();
    }
    forEach(cb, thisArg) { for (const [k, v] of this.#list) cb.call(thisArg, v, k, this); }
    keys() { return this.#list.map((p) => p[0])[Symbol.iterator](); }
    values() { return this.#list.map((p) => p[1])[Symbol.iterator](); }
    entries() { return this.#list.map((p) => [p[0], p[1]])[Symbol.iterator](); }
    [Symbol.iterator]() { return this.entries(); }
    toString() { return this.#list.map(([k, v]) => formEncode(k) + '=' + formEncode(v)).join('&'); }
  }

  // ---- Headers (Fetch Standard: lower-cased names, combined values, sorted iteration) ----
  const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
  function normalizeValue(v) { return String(v).replace(/^[\t\n\r ]+|[\t\n\r ]+$/g, ''); }
  class Headers {
    #map = new Map(); // lower-case name -> array of values
    #guard = 'none';
    constructor(init) {
      if (init === undefined || init === null) return;
      if (init instanceof Headers) { for (const [k, v] of init.#map) this.#map.set(k, v.slice()); return; }
      if (typeof init === 'object' && typeof init[Symbol.iterator] === 'function') {
        for (const pair of init) {
          const p = [...pair];
          if (p.length !== 2) throw new TypeError('Headers constructor: expected name/value pair to be length 2');
          this.append(p[0], p[1]);
        }
      } else if (typeof init === 'object') {
        for (const k of Object.keys(init)) this.append(k, init[k]);
      } else throw new TypeError('Headers constructor: invalid init');
    }
    _setGuard(g) { this.#guard = g; return this; }
    #check(name) {
      name = String(name);
      if (!TOKEN.test(name)) throw new TypeError(`Invalid header name: "${name}"`);
      if (this.#guard === 'immutable') throw new TypeError("Can't modify immutable headers");
      return name.toLowerCase();
    }
    append(name, value) {
      const k = this.#check(name);
      const v = normalizeValue(value);
      if (/[\0\r\n]/.test(v)) throw new TypeError(`Invalid header value for "${name}"`);
      const list = this.#map.get(k);
      if (list) list.push(v); else this.#map.set(k, [v]);
    }
    delete(name) { this.#map.delete(this.#check(name)); }
    get(name) {
      const list = this.#map.get(String(name).toLowerCase());
      return list ? list.join(', ') : null;
    }
    getSetCookie() { return (this.#map.get('set-cookie') || []).slice(); }
    has(name) { return this.#map.has(String(name).toLowerCase()); }
    set(name, value) {
      const k = this.#check(name);
      const v = normalizeValue(value);
      if (/[\0\r\n]/.test(v)) throw new TypeError(`Invalid header value for "${name}"`);
      this.#map.set(k, [v]);
    }
    forEach(cb, thisArg) { for (const [k, v] of this.entries()) cb.call(thisArg, v, k, this); }
    *entries() {
      for (const k of [...this.#map.keys()].sort()) {
        if (k === 'set-cookie') for (const v of this.#map.get(k)) yield [k, v];
        else yield [k, this.#map.get(k).join(', ')];
      }
    }
    *keys() { for (const [k] of this.entries()) yield k; }
    *values() { for (const [, v] of this.entries()) yield v; }
    [Symbol.iterator]() { return this.entries(); }
    // Every field line, in insertion order of names, for handing to the host.
    _flat() { const out = []; for (const [k, vs] of this.#map) for (const v of vs) out.push(k, v); return out; }
  }

  // ---- structured clone, also the wire format between workers ----
  // encode() turns a value into a tree of JSON-safe nodes: ['p', primitive] | ['u'] | ['n', 'NaN'|...]
  // | ['r', id] (back-reference) | [tag, id, ...payload]. Anything else throws DataCloneError.
  function cloneError(msg) { return new internal.DOMException(msg, 'DataCloneError'); }
  function encode(value) {
    const seen = new Map();
    let nextId = 0;
    function enc(v) {
      switch (typeof v) {
        case 'undefined': return ['u'];
        case 'boolean': case 'string': return ['p', v];
        case 'number': return Number.isFinite(v) && !Object.is(v, -0) ? ['p', v] : ['n', Object.is(v, -0) ? '-0' : String(v)];
        case 'bigint': return ['b', v.toString()];
        case 'symbol': throw cloneError(`${String(v)} could not be cloned.`);
        case 'function': throw cloneError(`${v.name || 'function'} could not be cloned.`);
      }
      if (v === null) return ['p', null];
      if (seen.has(v)) return ['r', seen.get(v)];
      const id = nextId++;
      seen.set(v, id);
      if (Array.isArray(v)) {
        const items = [];
        for (let i = 0; i < v.length; i++) items.push(enc(v[i]));
        return ['a', id, items];
      }
      if (v instanceof Date) return ['d', id, v.getTime()];
      if (v instanceof RegExp) return ['x', id, v.source, v.flags];
      if (v instanceof Map) return ['m', id, [...v].map(([k, x]) => [enc(k), enc(x)])];
      if (v instanceof Set) return ['s', id, [...v].map(enc)];
      if (v instanceof ArrayBuffer) return ['ab', id, internal.bytesToLatin1(new Uint8Array(v))];
      if (ArrayBuffer.isView(v)) {
        const kind = v.constructor.name;
        if (!(kind in globalThis)) throw cloneError(`${kind} could not be cloned.`);
        return ['v', id, kind, enc(v.buffer), v.byteOffset, kind === 'DataView' ? v.byteLength : v.length];
      }
      if (v instanceof Error) {
        if (v instanceof internal.DOMException) return ['e', id, 'DOMException', String(v.message), null, v.name];
        const name = ['EvalError', 'RangeError', 'ReferenceError', 'SyntaxError', 'TypeError', 'URIError'].includes(v.name) ? v.name : 'Error';
        return ['e', id, name, String(v.message), v.stack === undefined ? null : String(v.stack)];
      }
      if (v instanceof Boolean || v instanceof Number || v instanceof String) return ['w', id, typeof v.valueOf(), v.valueOf()];
      const proto = Object.getPrototypeOf(v);
      if (proto !== Object.prototype && proto !== null) {
        throw cloneError(`${(v.constructor && v.constructor.name) || 'object'} object could not be cloned.`);
      }
      const entries = [];
      for (const k of Object.keys(v)) entries.push([k, enc(v[k])]);
      return ['o', id, entries];
    }
    return enc(value);
  }
  function decode(node) {
    const refs = new Map();
    function dec(n) {
      switch (n[0]) {
        case 'u': return undefined;
        case 'p': return n[1];
        case 'n': return n[1] === '-0' ? -0 : Number(n[1]);
        case 'b': return BigInt(n[1]);
        case 'r': return refs.get(n[1]);
      }
      const id = n[1];
      let out;
      switch (n[0]) {
        case 'a': out = []; refs.set(id, out); for (const x of n[2]) out.push(dec(x)); return out;
        case 'd': out = new Date(n[2]); break;
        case 'x': out = new RegExp(n[2], n[3]); break;
        case 'm': out = new Map(); refs.set(id, out); for (const [k, x] of n[2]) out.set(dec(k), dec(x)); return out;
        case 's': out = new Set(); refs.set(id, out); for (const x of n[2]) out.add(dec(x)); return out;
        case 'ab': out = internal.latin1ToBytes(n[2]).buffer; break;
        case 'v': { const C = globalThis[n[2]]; out = new C(dec(n[3]), n[4], n[5]); break; }
        case 'e': { if (n[2] === 'DOMException') { out = new internal.DOMException(n[3], n[5]); break; }
          const C = ['EvalError', 'RangeError', 'ReferenceError', 'SyntaxError', 'TypeError', 'URIError'].includes(n[2]) ? globalThis[n[2]] : Error;
          out = new C(n[3]); if (n[4] !== null) Object.defineProperty(out, 'stack', { value: n[4], writable: true, configurable: true }); break; }
        case 'w': out = Object(n[3]); break;
        case 'o': out = {}; refs.set(id, out); for (const [k, x] of n[2]) out[k] = dec(x); return out;
        default: throw cloneError('malformed clone data');
      }
      refs.set(id, out);
      return out;
    }
    return dec(node);
  }
  internal.bytesToLatin1 = function (u8) {
    const parts = [];
    for (let i = 0; i < u8.length; i += 8192) parts.push(String.fromCharCode.apply(null, u8.subarray(i, i + 8192)));
    return parts.join('');
  };
  internal.encodeClone = (v) => JSON.stringify(encode(v));
  internal.decodeClone = (s) => decode(JSON.parse(s));
  function structuredClone(value, options) {
    if (arguments.length === 0) throw new TypeError("structuredClone: 1 argument required, but only 0 present.");
    return decode(encode(value));
  }

  Object.assign(internal, { URL, URLSearchParams, Headers });
  for (const [k, v] of Object.entries({ URL, URLSearchParams, Headers, structuredClone })) defineGlobal(k, v);
})
