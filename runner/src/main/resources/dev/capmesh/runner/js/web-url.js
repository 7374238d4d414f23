// capmesh worker runtime, part 2: URL, URLSearchParams, Headers, structuredClone and the
// tagged clone format used for RPC between workers.
(function capmeshSetup_url(host, internal) {
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
  // The URL Standard's "domain to ASCII": an ASCII domain without punycode labels is only
  // lower-cased; anything else goes through UTS #46 (ICU4J on the host, see Idna.java).
  const PUNYCODE_LABEL = /(?:^|\.)xn--/i;
  function domainToAscii(domain) {
    if (/^[\x00-\x7f]*$/.test(domain) && !PUNYCODE_LABEL.test(domain)) return domain.toLowerCase();
    const ascii = host.domainToAscii(domain);
    if (ascii === null) fail();
    return ascii;
  }
  // Host parser; opaque for non-special schemes.
  function parseHost(input, special) {
    if (input.startsWith('[')) {
      if (!input.endsWith(']')) fail();
      return '[' + serializeIPv6(parseIPv6(input.slice(1, -1))) + ']';
    }
    if (!special) {
      if (/[\u0000\t\n\r #/:<>?@[\\\]^|]/.test(input)) fail();
      return pctEncode(input, C0_CONTROL);
    }
    const domain = internal.utf8Decode(internal.latin1ToBytes(pctDecode(input)));
    const ascii = domainToAscii(domain);
    if (ascii === '' || /[\u0000-\u001f #%/:<>?@[\\\]^|\u007f]/.test(ascii)) fail();
    return endsInNumber(ascii) ? parseIPv4(ascii) : ascii;
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

  // URLSearchParams internals shared with URL only (module-private; see the static block there).
  let paramsReplace, paramsSetOwner;
  class URL {
    #r; #params;
    constructor(url, base) {
      const baseRec = base === undefined ? null : (base instanceof URL ? base.#r : parseURL(String(base), null));
      this.#r = parseURL(url instanceof URL ? url.href : String(url), baseRec);
      this.#params = new URLSearchParams(this.#r.query || '');
      paramsSetOwner(this.#params, (q) => { this.#r.query = q === '' ? null : q; });
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
      if (String(v) === '') { this.#r.query = null; paramsReplace(this.#params, ''); return; }
      const r = copyRecord(this.#r);
      r.query = '';
      basicParse(s, null, r, 'query');
      this.#r = r;
      paramsReplace(this.#params, s);
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
    set href(v) { const u = new URL(v); this.#r = u.#r; paramsReplace(this.#params, this.#r.query || ''); }
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
    #list = []; #owner = null;
    constructor(init = '') {
      if (init === null) init = '';
      if (typeof init === 'object' && #list in init) this.#list = init.#list.map((p) => p.slice());
      else if (typeof init === 'object' && init !== null && typeof init[Symbol.iterator] === 'function') {
        for (const pair of init) {
          const p = [...pair];
          if (p.length !== 2) throw new TypeError('Each query pair must be an iterable [name, value] tuple');
          this.#list.push([usv(p[0]), usv(p[1])]);
        }
      } else if (typeof init === 'object' && init !== null) {
        for (const k of Object.keys(init)) this.#list.push([usv(k), usv(init[k])]);
      } else this.#replace(String(init).replace(/^\?/, ''));
    }
    static {
      paramsReplace = (p, q) => p.#replace(q);
      paramsSetOwner = (p, owner) => { p.#owner = owner; };
    }
    #replace(q) {
      this.#list = [];
      for (const part of q.split('&')) {
        if (part === '') continue;
        const eq = part.indexOf('=');
        this.#list.push(eq >= 0 ? [formDecode(part.slice(0, eq)), formDecode(part.slice(eq + 1))] : [formDecode(part), '']);
      }
    }
    #update() { if (this.#owner !== null) this.#owner(this.toString()); }
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
  // Headers internals for the runtime only (module-private; shared through `internal`).
  let headersSetGuard, headersFlat, headersOfHost, headersForHost;
  const HeadersMap = Map;
  class Headers {
    // Lower-case name -> array of values, made on first use. Headers the host gave keep, until
    // then and while nothing changes them, the host's list of field lines (#host): checked and
    // lower-cased by the host as append would have done it (HostHeaders.java), and handed back to
    // the host as it is. So headers passed on untouched are neither parsed nor checked again. The
    // runtime's own constant lines (a text body's content-type) are kept the same way.
    #map = null;
    #guard = 'none';
    #host = null;
    constructor(init) {
      if (init === undefined || init === null) return;
      if (typeof init === 'object' && #map in init) {
        this.#host = init.#host;
        if (init.#map !== null) {
          const map = new HeadersMap();
          for (const [k, v] of init.#map) map.set(k, v.slice());
          this.#map = map;
        }
        return;
      }
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
    #fields() {
      if (this.#map === null) {
        const map = new HeadersMap();
        const host = this.#host;
        if (host !== null) {
          for (let i = 0; i + 1 < host.length; i += 2) {
            const k = host[i];
            const list = map.get(k);
            if (list) list.push(host[i + 1]); else map.set(k, [host[i + 1]]);
          }
        }
        this.#map = map;
      }
      return this.#map;
    }
    // The map, about to change: the host's list no longer describes it.
    #changing() {
      const map = this.#fields();
      this.#host = null;
      return map;
    }
    static {
      headersSetGuard = (h, g) => { h.#guard = g; return h; };
      // Headers made from the host's checked field lines (a HostHeaders), kept as they are.
      headersOfHost = (host) => { const h = new Headers(); h.#host = host; return h; };
      // Every field line, in insertion order of names, for handing to the host. Through
      // intrinsics captured at load: a worker that replaced Map or Array iteration must not
      // be able to slip an unchecked name or value into what the host sends.
      headersFlat = (h) => {
        const out = [];
        const it = mapEntries(h.#fields());
        for (let r = mapIterNext(it); !r.done; r = mapIterNext(it)) {
          const [k, vs] = [r.value[0], r.value[1]];
          for (let i = 0; i < vs.length; i++) { out[out.length] = k; out[out.length] = vs[i]; }
        }
        return out;
      };
      // What the host is handed for these headers: its own list while they are unchanged, else
      // headersFlat's.
      headersForHost = (h) => (h.#host !== null ? h.#host : headersFlat(h));
    }
    #check(name) {
      const k = checkName(name);
      if (this.#guard === 'immutable') throw new TypeError("Can't modify immutable headers");
      return k;
    }
    append(name, value) {
      const k = this.#check(name);
      const v = normalizeValue(value);
      if (BAD_VALUE.test(v)) throw new TypeError(`Invalid header value for "${name}"`);
      const map = this.#changing();
      const list = map.get(k);
      if (list) list.push(v); else map.set(k, [v]);
    }
    delete(name) { const k = this.#check(name); this.#changing().delete(k); }
    get(name) {
      const list = this.#fields().get(checkName(name));
      return list ? list.join(', ') : null;
    }
    getSetCookie() { return (this.#fields().get('set-cookie') || []).slice(); }
    has(name) { return this.#fields().has(checkName(name)); }
    set(name, value) {
      const k = this.#check(name);
      const v = normalizeValue(value);
      if (BAD_VALUE.test(v)) throw new TypeError(`Invalid header value for "${name}"`);
      this.#changing().set(k, [v]);
    }
    forEach(cb, thisArg) { for (const [k, v] of this.entries()) cb.call(thisArg, v, k, this); }
    *entries() {
      const map = this.#fields();
      for (const k of [...map.keys()].sort()) {
        if (k === 'set-cookie') for (const v of map.get(k)) yield [k, v];
        else yield [k, map.get(k).join(', ')];
      }
    }
    *keys() { for (const [k] of this.entries()) yield k; }
    *values() { for (const [, v] of this.entries()) yield v; }
    [Symbol.iterator]() { return this.entries(); }
  }

  // ---- structured clone, also the wire format between workers ----
  // encode() turns a value into a tree of JSON-safe nodes: ['p', primitive] | ['u'] | ['n', 'NaN'|...]
  // | ['b', digits] | ['r', id] (back-reference) | [tag, id, ...payload]. Anything else throws
  // DataCloneError. The encoder decides a value's type from internal slots (brand checks through
  // intrinsics captured here, before any worker code runs), never from properties the sender
  // controls such as `constructor` or `buffer`. The decoder treats its input as hostile: it
  // accepts only the closed set of node shapes below, builds only plain data, and never looks a
  // constructor up by a name it received.
  const reflectApply = Reflect.apply;
  const uncurry = (f) => (self, ...args) => reflectApply(f, self, args);
  const getterOf = (proto, key) => uncurry(Object.getOwnPropertyDescriptor(proto, key).get);
  const objectKeys = Object.keys;
  const getPrototypeOf = Object.getPrototypeOf;
  const defineProperty = Object.defineProperty;
  const isArray = Array.isArray;
  const isView = ArrayBuffer.isView;
  const jsonStringify = JSON.stringify;
  const jsonParse = JSON.parse;
  const ObjectProto = Object.prototype;
  const objectToString = uncurry(Object.prototype.toString);
  const hasOwn = uncurry(Object.prototype.hasOwnProperty);
  const isInteger = Number.isInteger;
  const isFinite = Number.isFinite;
  const objectIs = Object.is;
  const MapC = Map, SetC = Set, DateC = Date, RegExpC = RegExp, ArrayC = Array, BigIntF = BigInt, ObjectF = Object;
  const U8 = Uint8Array;
  const mapHas = uncurry(Map.prototype.has), mapGet = uncurry(Map.prototype.get), mapSet = uncurry(Map.prototype.set);
  const mapEntries = uncurry(Map.prototype.entries), mapIterNext = uncurry(getPrototypeOf(new Map().entries()).next);
  const setAdd = uncurry(Set.prototype.add), setValues = uncurry(Set.prototype.values);
  const setIterNext = uncurry(getPrototypeOf(new Set().values()).next);
  const mapSize = getterOf(Map.prototype, 'size'), setSize = getterOf(Set.prototype, 'size');
  const { typedKind: typedArrayKind, typedBuffer: typedArrayBuffer, typedOffset: typedArrayOffset,
    typedLength: typedArrayLength, viewBuffer: dataViewBuffer, viewOffset: dataViewOffset,
    viewLength: dataViewLength, bufferLength: arrayBufferLength } = internal.slots;
  const dateGetTime = uncurry(Date.prototype.getTime);
  const regExpSource = getterOf(RegExp.prototype, 'source');
  const REGEXP_FLAGS = [['hasIndices', 'd'], ['global', 'g'], ['ignoreCase', 'i'], ['multiline', 'm'], ['dotAll', 's'],
    ['unicode', 'u'], ['unicodeSets', 'v'], ['sticky', 'y']]
    .filter(([k]) => Object.getOwnPropertyDescriptor(RegExp.prototype, k))
    .map(([k, f]) => [getterOf(RegExp.prototype, k), f]);
  const booleanValue = uncurry(Boolean.prototype.valueOf), numberValue = uncurry(Number.prototype.valueOf);
  const stringValue = uncurry(String.prototype.valueOf), bigintValue = uncurry(BigInt.prototype.valueOf);
  const symbolValue = uncurry(Symbol.prototype.valueOf);
  const symbolToString = uncurry(Symbol.prototype.toString);
  const StringF = String;
  // The only constructors the decoder ever calls, by a name it received: a closed table.
  const VIEWS = ObjectF.freeze(ObjectF.assign(ObjectF.create(null), { Int8Array, Uint8Array, Uint8ClampedArray,
    Int16Array, Uint16Array, Int32Array, Uint32Array, Float32Array, Float64Array, BigInt64Array, BigUint64Array,
    DataView }, typeof Float16Array === 'function' ? { Float16Array } : {}));
  const ERRORS = ObjectF.freeze(ObjectF.assign(ObjectF.create(null), { Error, EvalError, RangeError, ReferenceError,
    SyntaxError, TypeError, URIError }));
  internal.errorConstructor = (name) => (typeof name === 'string' && hasOwn(ERRORS, name) ? ERRORS[name] : Error);
  // Whether f accepts v as its receiver: the intrinsic getters and valueOf methods throw a
  // TypeError for an object without the matching internal slot.
  function hasBrand(f, v) {
    try { f(v); return true; } catch (e) { return false; }
  }
  function cloneError(msg) { return new internal.DOMException(msg, 'DataCloneError'); }

  // plainOnly (RPC between workers): objects with a class other than Object are refused, as
  // workerd's RPC does; structuredClone copies them as plain objects, as the HTML standard says.
  // A CryptoKey (structuredClone only) becomes ['k', id, index into keys]: keys travel beside the
  // tree, so key handles never enter the wire text, and the wire decoder (no keys) refuses 'k'.
  function encode(value, plainOnly, keys) {
    const seen = new MapC();
    let nextId = 0;
    function entriesOf(v) {
      const keys = objectKeys(v);
      const entries = [];
      for (let i = 0; i < keys.length; i++) entries[i] = [keys[i], enc(v[keys[i]])];
      return entries;
    }
    function enc(v) {
      switch (typeof v) {
        case 'undefined': return ['u'];
        case 'boolean': case 'string': return ['p', v];
        case 'number': return isFinite(v) && !objectIs(v, -0) ? ['p', v] : ['n', objectIs(v, -0) ? '-0' : StringF(v)];
        case 'bigint': return ['b', StringF(v)];
        case 'symbol': throw cloneError(`${symbolToString(v)} could not be cloned.`);
        case 'function': throw cloneError('function could not be cloned.');
      }
      if (v === null) return ['p', null];
      if (mapHas(seen, v)) return ['r', mapGet(seen, v)];
      const id = nextId++;
      mapSet(seen, v, id);
      if (internal.isCryptoKey(v)) {
        if (plainOnly || keys === undefined) throw cloneError('CryptoKey object could not be cloned.');
        keys[keys.length] = v;
        return ['k', id, keys.length - 1];
      }
      if (isArray(v)) {
        // Own enumerable keys, so that holes stay holes and extra properties come along.
        const length = v.length;
        return ['a', id, length, entriesOf(v)];
      }
      if (isView(v)) {
        const kind = typedArrayKind(v);
        if (kind !== undefined) return ['v', id, kind, enc(typedArrayBuffer(v)), typedArrayOffset(v), typedArrayLength(v)];
        return ['v', id, 'DataView', enc(dataViewBuffer(v)), dataViewOffset(v), dataViewLength(v)];
      }
      if (hasBrand(arrayBufferLength, v)) return ['ab', id, internal.bytesToLatin1(new U8(v))];
      if (hasBrand(dateGetTime, v)) return ['d', id, dateGetTime(v)];
      if (hasBrand(regExpSource, v)) {
        let flags = '';
        for (const [get, f] of REGEXP_FLAGS) if (get(v)) flags += f;
        return ['x', id, regExpSource(v), flags];
      }
      if (hasBrand(mapSize, v)) {
        const out = [];
        const it = mapEntries(v);
        for (let r = mapIterNext(it); !r.done; r = mapIterNext(it)) out[out.length] = [enc(r.value[0]), enc(r.value[1])];
        return ['m', id, out];
      }
      if (hasBrand(setSize, v)) {
        const out = [];
        const it = setValues(v);
        for (let r = setIterNext(it); !r.done; r = setIterNext(it)) out[out.length] = enc(r.value);
        return ['s', id, out];
      }
      if (internal.isDOMException(v)) return ['e', id, 'DOMException', StringF(v.message), null, StringF(v.name)];
      if (objectToString(v) === '[object Error]') {
        const name = StringF(v.name);
        const message = hasOwn(v, 'message') ? StringF(v.message) : null;
        const stack = v.stack;
        return ['e', id, hasOwn(ERRORS, name) ? name : 'Error', message, stack === undefined ? null : StringF(stack)];
      }
      if (hasBrand(booleanValue, v)) return ['w', id, 'boolean', booleanValue(v)];
      if (hasBrand(numberValue, v)) {
        const n = numberValue(v);
        return ['w', id, 'number', isFinite(n) && !objectIs(n, -0) ? n : objectIs(n, -0) ? '-0' : StringF(n)];
      }
      if (hasBrand(stringValue, v)) return ['w', id, 'string', stringValue(v)];
      if (hasBrand(bigintValue, v)) return ['w', id, 'bigint', StringF(bigintValue(v))];
      if (hasBrand(symbolValue, v)) throw cloneError('Symbol object could not be cloned.');
      // Any other ordinary object is cloned as a plain object of its own enumerable properties;
      // objects with internal state (platform objects, promises, weak collections) cannot be.
      const proto = getPrototypeOf(v);
      if (proto !== ObjectProto && proto !== null && (plainOnly || notCloneable(v))) {
        const ctor = proto && hasOwn(proto, 'constructor') ? proto.constructor : undefined;
        const name = typeof ctor === 'function' && typeof ctor.name === 'string' ? ctor.name : 'object';
        throw cloneError(`${name} object could not be cloned.`);
      }
      return ['o', id, entriesOf(v)];
    }
    return enc(value);
  }
  const NOT_CLONEABLE = ['Promise', 'WeakMap', 'WeakSet', 'WeakRef', 'FinalizationRegistry', 'URL', 'URLSearchParams',
    'Headers', 'Request', 'Response', 'ReadableStream', 'WritableStream', 'TransformStream', 'ReadableStreamDefaultReader',
    'WritableStreamDefaultWriter', 'TextEncoder', 'TextDecoder', 'Event', 'EventTarget', 'AbortController', 'AbortSignal',
    'Fetcher', 'KVNamespace', 'R2Bucket', 'R2Object', 'R2Checksums'];
  function notCloneable(v) {
    if (internal.isBlob(v) || internal.isFormData(v)) return true;
    for (const name of NOT_CLONEABLE) {
      const C = internal[name] || globalThis[name];
      if (typeof C === 'function' && v instanceof C) return true;
    }
    return false;
  }

  const BIGINT_TEXT = /^-?[0-9]+$/;
  const FLAGS_TEXT = /^[dgimsuvy]*$/;
  const NUMBER_WORDS = ObjectF.freeze(ObjectF.assign(ObjectF.create(null), { NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity, '-0': -0 }));
  const WRAPPED = ObjectF.freeze(ObjectF.assign(ObjectF.create(null), { boolean: 'boolean', string: 'string', number: 'number' }));
  const dataProperty = (o, k, value) => defineProperty(o, k, { value, writable: true, enumerable: true, configurable: true });
  function decode(node, keys) {
    const refs = new MapC();
    const bad = () => { throw cloneError('malformed clone data'); };
    const isId = (x) => typeof x === 'number' && isInteger(x) && x >= 0;
    const isLength = (x) => typeof x === 'number' && isInteger(x) && x >= 0 && x <= 0xffffffff;
    const isNode = (x) => isArray(x) && x.length >= 1;
    function entries(list, into) {
      if (!isArray(list)) bad();
      for (let i = 0; i < list.length; i++) {
        const e = list[i];
        if (!isArray(e) || e.length !== 2 || typeof e[0] !== 'string') bad();
        dataProperty(into, e[0], dec(e[1]));
      }
    }
    function dec(n) {
      if (!isNode(n)) bad();
      const tag = n[0];
      switch (tag) {
        case 'u': return undefined;
        case 'p': {
          const v = n[1];
          if (v === null || typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && isFinite(v))) return v;
          return bad();
        }
        case 'n': return typeof n[1] === 'string' && hasOwn(NUMBER_WORDS, n[1]) ? NUMBER_WORDS[n[1]] : bad();
        case 'b': return typeof n[1] === 'string' && BIGINT_TEXT.test(n[1]) ? BigIntF(n[1]) : bad();
        case 'r': return isId(n[1]) && mapHas(refs, n[1]) ? mapGet(refs, n[1]) : bad();
      }
      const id = n[1];
      if (!isId(id)) bad();
      let out;
      switch (tag) {
        case 'a': {
          if (!isLength(n[2])) bad();
          out = new ArrayC(n[2]);
          mapSet(refs, id, out);
          if (!isArray(n[3])) bad();
          for (let i = 0; i < n[3].length; i++) {
            const e = n[3][i];
            if (!isArray(e) || e.length !== 2 || typeof e[0] !== 'string' || e[0] === 'length') bad();
            dataProperty(out, e[0], dec(e[1]));
          }
          return out;
        }
        case 'o': out = {}; mapSet(refs, id, out); entries(n[2], out); return out;
        case 'd': if (typeof n[2] !== 'number') bad(); out = new DateC(n[2]); break;
        case 'x':
          if (typeof n[2] !== 'string' || typeof n[3] !== 'string' || !FLAGS_TEXT.test(n[3])) bad();
          out = new RegExpC(n[2], n[3]);
          break;
        case 'm': {
          out = new MapC();
          mapSet(refs, id, out);
          if (!isArray(n[2])) bad();
          for (let i = 0; i < n[2].length; i++) {
            const e = n[2][i];
            if (!isArray(e) || e.length !== 2) bad();
            mapSet(out, dec(e[0]), dec(e[1]));
          }
          return out;
        }
        case 's': {
          out = new SetC();
          mapSet(refs, id, out);
          if (!isArray(n[2])) bad();
          for (let i = 0; i < n[2].length; i++) setAdd(out, dec(n[2][i]));
          return out;
        }
        case 'ab': if (typeof n[2] !== 'string') bad(); out = internal.latin1ToBytes(n[2]).buffer; break;
        case 'v': {
          const kind = n[2];
          if (typeof kind !== 'string' || !hasOwn(VIEWS, kind) || !isId(n[4]) || !isLength(n[5])) bad();
          const buffer = dec(n[3]);
          if (!hasBrand(arrayBufferLength, buffer)) bad();
          out = new VIEWS[kind](buffer, n[4], n[5]);
          break;
        }
        case 'k':
          if (keys === undefined || !isId(n[2]) || n[2] >= keys.length) bad();
          out = internal.cloneCryptoKey(keys[n[2]]);
          break;
        case 'e': {
          const message = n[3];
          if (message !== null && typeof message !== 'string') bad();
          if (n[2] === 'DOMException') {
            if (typeof n[5] !== 'string') bad();
            out = new internal.DOMException(message === null ? '' : message, n[5]);
            break;
          }
          if (typeof n[2] !== 'string' || !hasOwn(ERRORS, n[2]) || (n[4] !== null && typeof n[4] !== 'string')) bad();
          const C = ERRORS[n[2]];
          out = message === null ? new C() : new C(message);
          if (n[4] !== null) defineProperty(out, 'stack', { value: n[4], writable: true, configurable: true });
          break;
        }
        case 'w': {
          const kind = n[2], v = n[3];
          if (kind === 'bigint' && typeof v === 'string' && BIGINT_TEXT.test(v)) out = ObjectF(BigIntF(v));
          else if (kind === 'number' && typeof v === 'string' && hasOwn(NUMBER_WORDS, v)) out = ObjectF(NUMBER_WORDS[v]);
          else if (typeof kind === 'string' && hasOwn(WRAPPED, kind) && typeof v === kind) out = ObjectF(v);
          else bad();
          break;
        }
        default: bad();
      }
      mapSet(refs, id, out);
      return out;
    }
    return dec(node);
  }
  // Wire text in, plain data out; any failure (including a stack overflow on absurd nesting)
  // is a DataCloneError, never something the sender chose.
  function decodeWire(text) {
    if (typeof text !== 'string') throw cloneError('malformed clone data');
    try {
      return decode(jsonParse(text));
    } catch (e) {
      if (internal.isDOMException(e) && e.name === 'DataCloneError') throw e;
      throw cloneError('malformed clone data');
    }
  }
  internal.bytesToLatin1 = function (u8) {
    const parts = [];
    for (let i = 0; i < u8.length; i += 8192) parts.push(String.fromCharCode.apply(null, u8.subarray(i, i + 8192)));
    return parts.join('');
  };
  internal.encodeClone = (v) => jsonStringify(encode(v, true));
  internal.decodeClone = decodeWire;
  function structuredClone(value, options) {
    if (arguments.length === 0) throw new TypeError("structuredClone: 1 argument required, but only 0 present.");
    const keys = [];
    return decode(encode(value, false, keys), keys);
  }

  Object.assign(internal, { URL, URLSearchParams, Headers, headersSetGuard, headersFlat, headersOfHost, headersForHost });
  for (const [k, v] of Object.entries({ URL, URLSearchParams, Headers, structuredClone })) defineGlobal(k, v);
})
