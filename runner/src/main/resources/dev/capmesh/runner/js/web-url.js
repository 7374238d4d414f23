// capmesh worker runtime, part 2: URL, URLSearchParams, Headers, structuredClone and the
// tagged clone format used for RPC between workers.
(function (host, internal) {
  'use strict';
  const defineGlobal = (name, value) => Object.defineProperty(globalThis, name, {
    value, writable: true, configurable: true, enumerable: false });

  // ---- URL (WHATWG URL Standard: the basic URL parser as its state machine) ----
  const SPECIAL = { 'http:': '80', 'https:': '443', 'ws:': '80', 'wss:': '443', 'ftp:': '21', 'file:': '' };
  const C0_CONTROL = (c) => c < 0x20 || c > 0x7e;
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
  const fail = () => { throw new TypeError('Invalid URL'); };

  // An IPv4 part: decimal, 0-prefixed octal or 0x-prefixed hex; NaN when it is none of them.
  function parseIPv4Part(p) {
    if (p === '') return NaN;
    if (/^0[xX][0-9a-fA-F]*$/.test(p)) return p.length === 2 ? 0 : parseInt(p.slice(2), 16);
    if (/^0[0-7]+$/.test(p)) return parseInt(p.slice(1), 8);
    if (/^(0|[1-9][0-9]*)$/.test(p)) return parseInt(p, 10);
    return NaN;
  }
  function endsInNumber(host) {
    const parts = host.split('.');
    if (parts[parts.length - 1] === '') { if (parts.length === 1) return false; parts.pop(); }
    const last = parts[parts.length - 1];
    return /^[0-9]+$/.test(last) || !isNaN(parseIPv4Part(last));
  }
  function parseIPv4(host) {
    const parts = host.split('.');
    if (parts[parts.length - 1] === '' && parts.length > 1) parts.pop();
    if (parts.length > 4) fail();
    const nums = parts.map(parseIPv4Part);
    if (nums.some(isNaN)) fail();
    let v = nums[nums.length - 1];
    if (v >= 256 ** (5 - nums.length)) fail();
    for (let i = 0; i < nums.length - 1; i++) { if (nums[i] > 255) fail(); v += nums[i] * 256 ** (3 - i); }
    return [v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255].join('.');
  }
  function parseIPv6(s) {
    const a = [0, 0, 0, 0, 0, 0, 0, 0];
    let piece = 0, compress = -1, i = 0;
    const hex = (ch) => ch !== undefined && /[0-9a-fA-F]/.test(ch);
    if (s[0] === ':') { if (s[1] !== ':') fail(); i = 2; compress = ++piece; }
    while (i < s.length) {
      if (piece === 8) fail();
      if (s[i] === ':') { if (compress >= 0) fail(); i++; compress = ++piece; continue; }
      let value = 0, length = 0;
      while (length < 4 && hex(s[i])) { value = value * 16 + parseInt(s[i], 16); i++; length++; }
      if (s[i] === '.') {
        if (length === 0) fail();
        i -= length;
        if (piece > 6) fail();
        let seen = 0;
        while (i < s.length) {
          let v4 = null;
          if (seen > 0) { if (s[i] === '.' && seen < 4) i++; else fail(); }
          if (!/[0-9]/.test(s[i] || '')) fail();
          while (/[0-9]/.test(s[i] || '')) {
            const n = s.charCodeAt(i) - 0x30;
            if (v4 === null) v4 = n; else if (v4 === 0) fail(); else v4 = v4 * 10 + n;
            if (v4 > 255) fail();
            i++;
          }
          a[piece] = a[piece] * 256 + v4;
          seen++;
          if (seen === 2 || seen === 4) piece++;
        }
        if (seen !== 4) fail();
        break;
      } else if (s[i] === ':') { i++; if (i >= s.length) fail(); }
      else if (i < s.length) fail();
      a[piece++] = value;
    }
    if (compress >= 0) {
      let swaps = piece - compress;
      piece = 7;
      while (piece !== 0 && swaps > 0) { const t = a[compress + swaps - 1]; a[compress + swaps - 1] = a[piece]; a[piece] = t; piece--; swaps--; }
    } else if (piece !== 8) fail();
    return a;
  }
  function serializeIPv6(a) {
    let best = -1, bestLen = 1;
    for (let i = 0; i < 8;) {
      let j = i;
      while (j < 8 && a[j] === 0) j++;
      if (j - i > bestLen) { best = i; bestLen = j - i; }
      i = j === i ? i + 1 : j;
    }
    let out = '';
    for (let i = 0; i < 8; i++) {
      if (i === best) { out += i === 0 ? '::' : ':'; i += bestLen - 1; continue; }
      out += a[i].toString(16) + (i < 7 ? ':' : '');
    }
    return out;
  }
  // Host parser; opaque for non-special schemes. Non-ASCII domains are only lower-cased (no IDNA).
  function parseHost(input, special) {
    if (input.startsWith('[')) {
      if (!input.endsWith(']')) fail();
      return '[' + serializeIPv6(parseIPv6(input.slice(1, -1))) + ']';
    }
    if (!special) {
      if (/[\u0000\t\n\r #/:<>?@[\\\]^|]/.test(input)) fail();
      return pctEncode(input, C0_CONTROL);
    }
    const host = internal.utf8Decode(internal.latin1ToBytes(pctDecode(input))).toLowerCase();
    if (host === '' || /[\u0000-\u001f #%/:<>?@[\\\]^|\u007f]/.test(host)) fail();
    return endsInNumber(host) ? parseIPv4(host) : host;
  }
  // Percent-decodes to a byte string (UTF-8 first, so that the result holds bytes only).
  function pctDecode(s) {
    if (!s.includes('%') && /^[\x00-\x7f]*$/.test(s)) return s;
    const bytes = internal.bytesToLatin1(internal.utf8Encode(s));
    return bytes.replace(/%([0-9a-fA-F]{2})/g, (m, h) => String.fromCharCode(parseInt(h, 16)));
  }

  const isDrive = (s) => s.length === 2 && /[a-zA-Z]/.test(s[0]) && (s[1] === ':' || s[1] === '|');
  const isNormalizedDrive = (s) => s.length === 2 && /[a-zA-Z]/.test(s[0]) && s[1] === ':';
  const startsWithDrive = (cps, p) => cps.length - p >= 2 && isDrive(cps[p] + cps[p + 1])
    && (cps.length - p === 2 || '/\\?#'.includes(cps[p + 2]));
  const DOUBLE_DOT = new Set(['..', '.%2e', '%2e.', '%2e%2e']);
  const SINGLE_DOT = new Set(['.', '%2e']);
  function shorten(r) {
    if (r.protocol === 'file:' && r.path.length === 1 && isNormalizedDrive(r.path[0])) return;
    r.path.pop();
  }
  const newRecord = () => ({ protocol: '', username: '', password: '', hostname: '', port: '', path: [], opaque: null,
    query: null, fragment: null, hasHost: false });
  const copyRecord = (r) => Object.assign({}, r, { path: r.path.slice() });

  // The basic URL parser. With an override state it modifies r in place (the setters) and may
  // stop early; failures throw TypeError.
  function basicParse(input, base, r, override) {
    if (!r) {
      r = newRecord();
      input = input.replace(/^[\u0000-\u0020]+|[\u0000-\u0020]+$/g, '');
    }
    const cps = Array.from(input.replace(/[\t\n\r]/g, ''));
    let state = override || 'schemeStart';
    let buffer = '', atSeen = false, inBrackets = false, passwordSeen = false;
    for (let p = 0; p <= cps.length; p++) {
      const c = cps[p]; // undefined at the end
      const special = r.protocol in SPECIAL;
      const slash = c === '/' || (special && c === '\\');
      switch (state) {
        case 'schemeStart':
          if (c !== undefined && /[a-zA-Z]/.test(c)) { buffer += c.toLowerCase(); state = 'scheme'; }
          else if (!override) { state = 'noScheme'; p--; }
          else fail();
          break;
        case 'scheme':
          if (c !== undefined && /[a-zA-Z0-9+.-]/.test(c)) buffer += c.toLowerCase();
          else if (c === ':') {
            const scheme = buffer + ':';
            if (override) {
              if ((r.protocol in SPECIAL) !== (scheme in SPECIAL)) return r;
              if ((r.username !== '' || r.password !== '' || r.port !== '') && scheme === 'file:') return r;
              if (r.protocol === 'file:' && r.hostname === '') return r;
            }
            r.protocol = scheme;
            if (override) { if (r.port === SPECIAL[scheme]) r.port = ''; return r; }
            buffer = '';
            if (scheme === 'file:') state = 'file';
            else if (scheme in SPECIAL && base && base.protocol === scheme) state = 'specialRelativeOrAuthority';
            else if (scheme in SPECIAL) state = 'specialAuthoritySlashes';
            else if (cps[p + 1] === '/') { state = 'pathOrAuthority'; p++; }
            else { r.opaque = ''; state = 'opaquePath'; }
          } else if (!override) { buffer = ''; state = 'noScheme'; p = -1; }
          else fail();
          break;
        case 'noScheme':
          if (!base || (base.opaque !== null && c !== '#')) fail();
          if (base.opaque !== null) {
            Object.assign(r, { protocol: base.protocol, opaque: base.opaque, query: base.query, fragment: '' });
            state = 'fragment';
          } else { state = base.protocol === 'file:' ? 'file' : 'relative'; p--; }
          break;
        case 'specialRelativeOrAuthority':
          if (c === '/' && cps[p + 1] === '/') { state = 'specialAuthorityIgnoreSlashes'; p++; }
          else { state = 'relative'; p--; }
          break;
        case 'pathOrAuthority':
          if (c === '/') state = 'authority'; else { state = 'path'; p--; }
          break;
        case 'relative':
          r.protocol = base.protocol;
          if (c === '/' || (r.protocol in SPECIAL && c === '\\')) state = 'relativeSlash';
          else {
            Object.assign(r, { username: base.username, password: base.password, hostname: base.hostname,
              port: base.port, hasHost: base.hasHost, path: base.path.slice(), query: base.query });
            if (c === '?') { r.query = ''; state = 'query'; }
            else if (c === '#') { r.fragment = ''; state = 'fragment'; }
            else if (c !== undefined) { r.query = null; shorten(r); state = 'path'; p--; }
          }
          break;
        case 'relativeSlash':
          if (special && slash) state = 'specialAuthorityIgnoreSlashes';
          else if (c === '/') state = 'authority';
          else {
            Object.assign(r, { username: base.username, password: base.password, hostname: base.hostname,
              port: base.port, hasHost: base.hasHost });
            state = 'path'; p--;
          }
          break;
        case 'specialAuthoritySlashes':
          state = 'specialAuthorityIgnoreSlashes';
          if (c === '/' && cps[p + 1] === '/') p++; else p--;
          break;
        case 'specialAuthorityIgnoreSlashes':
          if (c !== '/' && c !== '\\') { state = 'authority'; p--; }
          break;
        case 'authority':
          if (c === '@') {
            if (atSeen) buffer = '%40' + buffer;
            atSeen = true;
            for (const ch of buffer) {
              if (ch === ':' && !passwordSeen) { passwordSeen = true; continue; }
              const enc = pctEncode(ch, USERINFO_SET);
              if (passwordSeen) r.password += enc; else r.username += enc;
            }
            buffer = '';
          } else if (c === undefined || slash || c === '?' || c === '#') {
            if (atSeen && buffer === '') fail();
            p -= Array.from(buffer).length + 1;
            buffer = '';
            state = 'host';
          } else buffer += c;
          break;
        case 'host': case 'hostname':
          if (override && r.protocol === 'file:') { p--; state = 'fileHost'; }
          else if (c === ':' && !inBrackets) {
            if (buffer === '') fail();
            if (override === 'hostname') return r;
            r.hostname = parseHost(buffer, special); r.hasHost = true;
            buffer = ''; state = 'port';
          } else if (c === undefined || slash || c === '?' || c === '#') {
            p--;
            if (special && buffer === '') fail();
            if (override && buffer === '' && (r.username !== '' || r.password !== '' || r.port !== '')) return r;
            r.hostname = parseHost(buffer, special); r.hasHost = true;
            buffer = ''; state = 'pathStart';
            if (override) return r;
          } else {
            if (c === '[') inBrackets = true;
            if (c === ']') inBrackets = false;
            buffer += c;
          }
          break;
        case 'port':
          if (c !== undefined && c >= '0' && c <= '9') buffer += c;
          else if (c === undefined || slash || c === '?' || c === '#' || override) {
            if (buffer !== '') {
              const port = parseInt(buffer, 10);
              if (port > 65535) fail();
              r.port = String(port) === SPECIAL[r.protocol] ? '' : String(port);
              buffer = '';
            }
            if (override) return r;
            state = 'pathStart'; p--;
          } else fail();
          break;
        case 'file':
          r.protocol = 'file:';
          r.hostname = ''; r.hasHost = true;
          if (c === '/' || c === '\\') state = 'fileSlash';
          else if (base && base.protocol === 'file:') {
            Object.assign(r, { hostname: base.hostname, path: base.path.slice(), query: base.query });
            if (c === '?') { r.query = ''; state = 'query'; }
            else if (c === '#') { r.fragment = ''; state = 'fragment'; }
            else if (c !== undefined) {
              r.query = null;
              if (!startsWithDrive(cps, p)) shorten(r); else r.path = [];
              state = 'path'; p--;
            }
          } else { state = 'path'; p--; }
          break;
        case 'fileSlash':
          if (c === '/' || c === '\\') state = 'fileHost';
          else {
            if (base && base.protocol === 'file:') {
              r.hostname = base.hostname;
              if (!startsWithDrive(cps, p) && base.path.length > 0 && isNormalizedDrive(base.path[0])) r.path.push(base.path[0]);
            }
            state = 'path'; p--;
          }
          break;
        case 'fileHost':
          if (c === undefined || c === '/' || c === '\\' || c === '?' || c === '#') {
            p--;
            if (!override && isDrive(buffer)) state = 'path'; // the buffer becomes the first segment
            else if (buffer === '') {
              r.hostname = ''; r.hasHost = true;
              if (override) return r;
              state = 'pathStart';
            } else {
              let host = parseHost(buffer, true);
              if (host === 'localhost') host = '';
              r.hostname = host; r.hasHost = true;
              if (override) return r;
              buffer = ''; state = 'pathStart';
            }
          } else buffer += c;
          break;
        case 'pathStart':
          if (special) { state = 'path'; if (c !== '/' && c !== '\\') p--; }
          else if (!override && c === '?') { r.query = ''; state = 'query'; }
          else if (!override && c === '#') { r.fragment = ''; state = 'fragment'; }
          else if (c !== undefined) { state = 'path'; if (c !== '/') p--; }
          else if (override && !r.hasHost) r.path.push('');
          break;
        case 'path':
          if (c === undefined || slash || (!override && (c === '?' || c === '#'))) {
            const seg = buffer.toLowerCase();
            if (DOUBLE_DOT.has(seg)) { shorten(r); if (!slash) r.path.push(''); }
            else if (SINGLE_DOT.has(seg)) { if (!slash) r.path.push(''); }
            else {
              if (r.protocol === 'file:' && r.path.length === 0 && isDrive(buffer)) buffer = buffer[0] + ':';
              r.path.push(pctEncode(buffer, PATH_SET));
            }
            buffer = '';
            if (c === '?') { r.query = ''; state = 'query'; }
            else if (c === '#') { r.fragment = ''; state = 'fragment'; }
          } else buffer += c;
          break;
        case 'opaquePath':
          if (c === '?') { r.query = ''; state = 'query'; }
          else if (c === '#') { r.fragment = ''; state = 'fragment'; }
          else if (c !== undefined) r.opaque += pctEncode(c, C0_CONTROL);
          break;
        case 'query':
          if ((!override && c === '#') || c === undefined) {
            r.query += pctEncode(buffer, special ? SPECIAL_QUERY_SET : QUERY_SET);
            buffer = '';
            if (c === '#') { r.fragment = ''; state = 'fragment'; }
          } else buffer += c;
          break;
        case 'fragment':
          if (c !== undefined) buffer += c;
          else r.fragment += pctEncode(buffer, FRAGMENT_SET);
          break;
      }
    }
    return r;
  }
  // A fast path for the URLs nearly every request has (the runner's own request URLs among
  // them): an absolute, already-normalized http(s) URL whose parse changes nothing. It accepts
  // only inputs for which the state machine would produce exactly this record; anything else
  // (upper case, dot segments, characters to encode, IPv4 shorthands, punycode, default or odd
  // ports, credentials, backslashes) takes the full parser.
  const FAST_URL = /^(https?):\/\/([a-z0-9][a-z0-9.-]*)(?::([1-9][0-9]{0,4}))?(\/[!$%&'()*+,\-./0-9:;=@A-Z\[\]^_a-z|~]*)?(\?[!$%&()*+,\-./0-9:;=?@A-Z\[\\\]^_`a-z{|}~]*)?(#[!#$%&'()*+,\-./0-9:;=?@A-Z\[\\\]^_a-z{|}~]*)?$/;
  const FAST_DOMAIN = /^[a-z0-9]+(?:-+[a-z0-9]+)*(?:\.[a-z0-9]+(?:-+[a-z0-9]+)*)*$/;
  const FAST_IPV4 = /^(?:(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])$/;
  const DOT_SEGMENT = /(?:^|\/)(?:\.|%2e)(?:\.|%2e)?(?:\/|$)/i;
  function fastParse(input) {
    const m = FAST_URL.exec(input);
    if (m === null) return null;
    const [, scheme, hostname, port, path, query, fragment] = m;
    if (!FAST_IPV4.test(hostname)) {
      // A domain: no label may be numeric at the end (IPv4 rules) or punycode (IDNA checks).
      if (!FAST_DOMAIN.test(hostname) || hostname.includes('xn--')) return null;
      const last = hostname.slice(hostname.lastIndexOf('.') + 1);
      if (/^[0-9]+$/.test(last) || /^0x/.test(last)) return null;
    }
    if (port !== undefined && (Number(port) > 65535 || port === (scheme === 'http' ? '80' : '443'))) return null;
    if (path !== undefined && DOT_SEGMENT.test(path)) return null;
    return { protocol: scheme + ':', username: '', password: '', hostname, port: port === undefined ? '' : port,
      path: path === undefined ? [''] : path.slice(1).split('/'), opaque: null,
      query: query === undefined ? null : query.slice(1), fragment: fragment === undefined ? null : fragment.slice(1),
      hasHost: true };
  }
  function parseURL(input, base) {
    const s = String(input);
    return (base === null && fastParse(s)) || basicParse(s, base, null, null);
  }
  const hasCredentials = (r) => r.username !== '' || r.password !== '';
  const cannotHaveCredentials = (r) => !r.hasHost || r.hostname === '' || r.protocol === 'file:';

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
    // Runs the parser in override state on a copy and keeps the copy only if it did not fail.
    #update(input, state) {
      const r = copyRecord(this.#r);
      try { basicParse(String(input), null, r, state); } catch (e) { return; }
      this.#r = r;
    }
    get protocol() { return this.#r.protocol; }
    set protocol(v) { this.#update(String(v) + ':', 'schemeStart'); }
    get username() { return this.#r.username; }
    set username(v) { if (!cannotHaveCredentials(this.#r)) this.#r.username = pctEncode(String(v), USERINFO_SET); }
    get password() { return this.#r.password; }
    set password(v) { if (!cannotHaveCredentials(this.#r)) this.#r.password = pctEncode(String(v), USERINFO_SET); }
    get host() { return this.#r.hostname + (this.#r.port ? ':' + this.#r.port : ''); }
    set host(v) { if (this.#r.opaque === null) this.#update(v, 'host'); }
    get hostname() { return this.#r.hostname; }
    set hostname(v) { if (this.#r.opaque === null) this.#update(v, 'hostname'); }
    get port() { return this.#r.port; }
    set port(v) {
      if (cannotHaveCredentials(this.#r)) return;
      const s = String(v);
      if (s === '') this.#r.port = ''; else this.#update(s, 'port');
    }
    get pathname() { return this.#r.opaque !== null ? this.#r.opaque : this.#r.path.map((s) => '/' + s).join(''); }
    set pathname(v) {
      if (this.#r.opaque !== null) return;
      const r = copyRecord(this.#r);
      r.path = [];
      try { basicParse(String(v), null, r, 'pathStart'); } catch (e) { return; }
      this.#r = r;
    }
    get search() { return this.#r.query ? '?' + this.#r.query : ''; }
    set search(v) {
      const s = String(v).replace(/^\?/, '');
      if (String(v) === '') { this.#r.query = null; this.#params._replace(''); return; }
      const r = copyRecord(this.#r);
      r.query = '';
      basicParse(s, null, r, 'query');
      this.#r = r;
      this.#params._replace(s);
    }
    get searchParams() { return this.#params; }
    get hash() { return this.#r.fragment ? '#' + this.#r.fragment : ''; }
    set hash(v) {
      if (String(v) === '') { this.#r.fragment = null; return; }
      const r = copyRecord(this.#r);
      r.fragment = '';
      basicParse(String(v).replace(/^#/, ''), null, r, 'fragment');
      this.#r = r;
    }
    get origin() { return this.#r.protocol in SPECIAL && this.#r.protocol !== 'file:' ? this.#r.protocol + '//' + this.host : 'null'; }
    get href() {
      const r = this.#r;
      let out = r.protocol;
      if (r.hasHost) {
        out += '//';
        if (hasCredentials(r)) out += r.username + (r.password ? ':' + r.password : '') + '@';
        out += this.host;
      } else if (r.opaque === null && r.path.length > 1 && r.path[0] === '') out += '/.';
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
    if (!/[%+\u0080-\uffff]/.test(s)) return s;
    const bytes = [];
    for (let i = 0; i < s.length; i++) {
      const ch = s[i];
      if (ch === '+') bytes.push(0x20);
      else if (ch === '%' && /^[0-9a-fA-F]{2}$/.test(s.slice(i + 1, i + 3))) { bytes.push(parseInt(s.slice(i + 1, i + 3), 16)); i += 2; }
      else {
        // A surrogate pair is one code point: encode both halves together.
        const u = s.charCodeAt(i), d = s.charCodeAt(i + 1);
        const end = u >= 0xd800 && u <= 0xdbff && d >= 0xdc00 && d <= 0xdfff ? i + 2 : i + 1;
        for (const b of internal.utf8Encode(s.slice(i, end))) bytes.push(b);
        i = end - 1;
      }
    }
    return internal.utf8Decode(new Uint8Array(bytes));
  }
  // USVString conversion: lone surrogates become U+FFFD.
  const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
  const usv = (v) => { const s = String(v); return /[\ud800-\udfff]/.test(s) ? s.replace(LONE_SURROGATE, '\ufffd') : s; };
  const needArgs = (args, n, what) => {
    if (args.length < n) throw new TypeError(`URLSearchParams.${what}: ${n} argument${n > 1 ? 's' : ''} required, but only ${args.length} present.`);
  };
  class URLSearchParams {
    #list = [];
    constructor(init = '') {
      if (init === null) init = '';
      if (init instanceof URLSearchParams) this.#list = init.#list.map((p) => p.slice());
      else if (typeof init === 'object' && init !== null && typeof init[Symbol.iterator] === 'function') {
        for (const pair of init) {
          const p = [...pair];
          if (p.length !== 2) throw new TypeError('Each query pair must be an iterable [name, value] tuple');
          this.#list.push([usv(p[0]), usv(p[1])]);
        }
      } else if (typeof init === 'object' && init !== null) {
        for (const k of Object.keys(init)) this.#list.push([usv(k), usv(init[k])]);
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
    append(k, v) { needArgs(arguments, 2, 'append'); this.#list.push([usv(k), usv(v)]); this.#update(); }
    delete(k, v) {
      needArgs(arguments, 1, 'delete');
      k = usv(k);
      if (v !== undefined) v = usv(v);
      this.#list = this.#list.filter((p) => p[0] !== k || (v !== undefined && p[1] !== v));
      this.#update();
    }
    get(k) { needArgs(arguments, 1, 'get'); k = usv(k); const p = this.#list.find((x) => x[0] === k); return p ? p[1] : null; }
    getAll(k) { needArgs(arguments, 1, 'getAll'); k = usv(k); return this.#list.filter((x) => x[0] === k).map((x) => x[1]); }
    has(k, v) {
      needArgs(arguments, 1, 'has');
      k = usv(k);
      if (v !== undefined) v = usv(v);
      return this.#list.some((p) => p[0] === k && (v === undefined || p[1] === v));
    }
    set(k, v) {
      needArgs(arguments, 2, 'set');
      k = usv(k); v = usv(v);
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
  // NUL, CR and LF are not allowed in a value, nor (ByteString) anything above U+00FF.
  const BAD_VALUE = /[\0\r\n\u0100-\uffff]/;
  function checkName(name) {
    name = String(name);
    if (!TOKEN.test(name)) throw new TypeError(`Invalid header name: "${name}"`);
    return name.toLowerCase();
  }
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
      const k = checkName(name);
      if (this.#guard === 'immutable') throw new TypeError("Can't modify immutable headers");
      return k;
    }
    append(name, value) {
      const k = this.#check(name);
      const v = normalizeValue(value);
      if (BAD_VALUE.test(v)) throw new TypeError(`Invalid header value for "${name}"`);
      const list = this.#map.get(k);
      if (list) list.push(v); else this.#map.set(k, [v]);
    }
    delete(name) { this.#map.delete(this.#check(name)); }
    get(name) {
      const list = this.#map.get(checkName(name));
      return list ? list.join(', ') : null;
    }
    getSetCookie() { return (this.#map.get('set-cookie') || []).slice(); }
    has(name) { return this.#map.has(checkName(name)); }
    set(name, value) {
      const k = this.#check(name);
      const v = normalizeValue(value);
      if (BAD_VALUE.test(v)) throw new TypeError(`Invalid header value for "${name}"`);
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
  // plainOnly (RPC between workers): objects with a class other than Object are refused, as
  // workerd's RPC does; structuredClone copies them as plain objects, as the HTML standard says.
  function encode(value, plainOnly) {
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
        // Own enumerable keys, so that holes stay holes and extra properties come along.
        const entries = [];
        for (const k of Object.keys(v)) entries.push([k, enc(v[k])]);
        return ['a', id, v.length, entries];
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
        const message = Object.prototype.hasOwnProperty.call(v, 'message') ? String(v.message) : null;
        return ['e', id, name, message, v.stack === undefined ? null : String(v.stack)];
      }
      if (v instanceof Boolean || v instanceof Number || v instanceof String) return ['w', id, typeof v.valueOf(), v.valueOf()];
      if (v instanceof BigInt) return ['w', id, 'bigint', String(v.valueOf())];
      // Any other ordinary object is cloned as a plain object of its own enumerable properties;
      // objects with internal state (platform objects, promises, weak collections) cannot be.
      const proto = Object.getPrototypeOf(v);
      if (proto !== Object.prototype && proto !== null && (plainOnly || notCloneable(v))) {
        throw cloneError(`${(v.constructor && v.constructor.name) || 'object'} object could not be cloned.`);
      }
      const entries = [];
      for (const k of Object.keys(v)) entries.push([k, enc(v[k])]);
      return ['o', id, entries];
    }
    return enc(value);
  }
  const NOT_CLONEABLE = ['Promise', 'WeakMap', 'WeakSet', 'WeakRef', 'FinalizationRegistry', 'URL', 'URLSearchParams',
    'Headers', 'Request', 'Response', 'ReadableStream', 'WritableStream', 'TransformStream', 'ReadableStreamDefaultReader',
    'WritableStreamDefaultWriter', 'TextEncoder', 'TextDecoder', 'Event', 'EventTarget', 'AbortController', 'AbortSignal',
    'Fetcher'];
  function notCloneable(v) {
    for (const name of NOT_CLONEABLE) {
      const C = internal[name] || globalThis[name];
      if (typeof C === 'function' && v instanceof C) return true;
    }
    return false;
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
        case 'a': out = new Array(n[2]); refs.set(id, out); for (const [k, x] of n[3]) out[k] = dec(x); return out;
        case 'd': out = new Date(n[2]); break;
        case 'x': out = new RegExp(n[2], n[3]); break;
        case 'm': out = new Map(); refs.set(id, out); for (const [k, x] of n[2]) out.set(dec(k), dec(x)); return out;
        case 's': out = new Set(); refs.set(id, out); for (const x of n[2]) out.add(dec(x)); return out;
        case 'ab': out = internal.latin1ToBytes(n[2]).buffer; break;
        case 'v': { const C = globalThis[n[2]]; out = new C(dec(n[3]), n[4], n[5]); break; }
        case 'e': { if (n[2] === 'DOMException') { out = new internal.DOMException(n[3], n[5]); break; }
          const C = ['EvalError', 'RangeError', 'ReferenceError', 'SyntaxError', 'TypeError', 'URIError'].includes(n[2]) ? globalThis[n[2]] : Error;
          out = n[3] === null ? new C() : new C(n[3]); if (n[4] !== null) Object.defineProperty(out, 'stack', { value: n[4], writable: true, configurable: true }); break; }
        case 'w': out = Object(n[2] === 'bigint' ? BigInt(n[3]) : n[3]); break;
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
  internal.encodeClone = (v) => JSON.stringify(encode(v, true));
  internal.decodeClone = (s) => decode(JSON.parse(s));
  function structuredClone(value, options) {
    if (arguments.length === 0) throw new TypeError("structuredClone: 1 argument required, but only 0 present.");
    return decode(encode(value, false));
  }

  Object.assign(internal, { URL, URLSearchParams, Headers });
  for (const [k, v] of Object.entries({ URL, URLSearchParams, Headers, structuredClone })) defineGlobal(k, v);
})
