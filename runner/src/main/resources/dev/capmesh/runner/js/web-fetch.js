// capmesh worker runtime, part 4: Request, Response, fetch, service-binding Fetchers with JS RPC,
// env, WorkerEntrypoint, and the entry points the Java side calls (internal.api).
(function capmeshSetup_fetch(host, internal) {
  'use strict';
  const { Headers, URL, URLSearchParams, ReadableStream, DOMException, headersOfHost, headersForHost, headersSetGuard } = internal;
  const defineGlobal = (name, value) => Object.defineProperty(globalThis, name, {
    value, writable: true, configurable: true, enumerable: false });
  const hostStreams = new WeakMap(); // ReadableStream -> host body handle, while untouched

  // A byte stream pulling from a Java BodyStream, one chunk per pull (BYOB readers work on it,
  // as on workerd's bodies).
  function streamFromHost(handle) {
    const stream = new ReadableStream({
      type: 'bytes',
      pull(c) {
        hostStreams.delete(stream);
        return new Promise((resolve, reject) => {
          const next = () => host.bodyRead(handle, (chunk) => {
            try {
              if (chunk === null) internal.closeBytes(c);
              else if (chunk.length === 0) { next(); return; }
              else c.enqueue(internal.latin1ToBytes(chunk));
              resolve();
            } catch (e) { reject(e); }
          }, (message) => reject(new TypeError(message)));
          next();
        });
      },
      cancel() { host.bodyCancel(handle); },
    }, { highWaterMark: 0 });
    hostStreams.set(stream, handle);
    return stream;
  }
  // A byte stream of a body's bytes; enqueue takes the buffer it is given, so it gets a copy
  // (the body keeps its bytes for replaying on redirects).
  function streamOfBytes(bytes) {
    return new ReadableStream({ type: 'bytes', start(c) { if (bytes.length) c.enqueue(bytes.slice()); c.close(); } });
  }
  // What the host reads a body from: null, an untouched host handle, or a pull source.
  function bodyForHost(stream) {
    if (stream === null) return null;
    const handle = hostStreams.get(stream);
    if (handle !== undefined && !stream.locked) { hostStreams.delete(stream); return { handle }; }
    const reader = stream.getReader();
    return {
      pull(resolve, reject) {
        reader.read().then(({ value, done }) => {
          if (done) { resolve(null); return; }
          let bytes;
          try {
            bytes = internal.exactBuffer(internal.toUint8(typeof value === 'string' ? internal.utf8Encode(value) : value, 'body chunk'));
          } catch (e) {
            // A chunk that is not bytes fails the body (instead of leaving the host waiting).
            reader.cancel(e).catch(() => {});
            reject(String(e && e.message || e));
            return;
          }
          resolve(bytes);
        }, (e) => reject(String(e && e.message || e)));
      },
      cancel() { reader.cancel().catch(() => {}); },
    };
  }
  internal.bodyForHost = bodyForHost;
  internal.streamFromHost = streamFromHost;

  // A body's parts: a stream given as the body, or the string or bytes it was made of (the body
  // makes a stream of those only when asked for one: see Body).
  function extractBody(body) {
    if (body === null || body === undefined) return { stream: null, bytes: null, text: null, type: null };
    if (body instanceof ReadableStream) return { stream: body, bytes: null, text: null, type: null };
    let bytes = null, text = null, type = null;
    if (typeof body === 'string') { text = body; type = TEXT_TYPE; }
    else if (body instanceof URLSearchParams) { text = body.toString(); type = 'application/x-www-form-urlencoded;charset=UTF-8'; }
    else if (body instanceof ArrayBuffer || ArrayBuffer.isView(body)) bytes = internal.toUint8(body, 'body').slice();
    else if (internal.isBlob(body)) { bytes = internal.blobBytes(body).slice(); type = body.type || null; }
    else if (internal.isFormData(body)) ({ bytes, type } = internal.serializeForm(body));
    else { text = String(body); type = TEXT_TYPE; }
    return { stream: null, bytes, text, type };
  }
  const TEXT_TYPE = 'text/plain;charset=UTF-8';
  // The field lines of a text body's headers when none were given: already checked, so a Headers
  // keeps them as they are (as it keeps the host's) and hands them to the host without a copy.
  const TEXT_LINES = Object.freeze(['content-type', TEXT_TYPE]);
  // The text a string body reads back as: its UTF-8 round trip turns lone surrogates into U+FFFD.
  const wellFormed = typeof String.prototype.toWellFormed === 'function'
    ? (s) => s.toWellFormed() : (s) => internal.utf8Decode(internal.utf8Encode(s));

  // Body internals, reachable only through these module-private functions (assigned in Body's
  // static block): initBody(b, extracted), replayableBytes(b), transferBody(b), takeHandle(b),
  // teeForClone(b), bodyStream(b), hostBody(b), isStreamed(b), bodyUnusable(b).
  let initBody, replayableBytes, transferBody, takeHandle, teeForClone, bodyStream, hostBody, isStreamed, bodyUnusable;
  class Body {
    // A body made from a string or bytes keeps them (#text, #bytes) and makes its stream only when
    // something asks for it (#pending until then). So a response a handler returns untouched
    // reaches the host as its string or bytes, without a stream, a copy or a pull per chunk; and
    // text() of a string body is that string. Likewise a body the host gave (an incoming
    // request's, a service's response) stays a host handle (#handle) until something asks for its
    // stream: passed on untouched, it goes back to the host as that handle, and no stream is made.
    #stream = null; #bytes = null; #text = null; #handle = null; #pending = false; #used = false; #handedOver = false;
    static {
      initBody = (b, extracted) => {
        b.#stream = extracted.stream;
        b.#bytes = extracted.bytes;
        b.#text = extracted.text === undefined ? null : extracted.text;
        b.#handle = extracted.handle === undefined ? null : extracted.handle;
        b.#pending = b.#stream === null && (b.#bytes !== null || b.#text !== null);
      };
      replayableBytes = (b) => b.#bytesNow();
      // What makes transferBody and teeForClone refuse a body.
      bodyUnusable = (b) => b.#used || (b.#stream !== null && b.#stream.locked);
      // Whether the body is (or was) a stream: made, or a host handle, kept or handed over.
      isStreamed = (b) => b.#stream !== null || b.#handle !== null || b.#handedOver;
      bodyStream = (b) => b.#streamNow();
      // Hands the body stream over to a new Request; this one counts as used afterwards.
      transferBody = (b) => {
        if (b.#used || (b.#stream && b.#stream.locked)) throw new TypeError('Body has already been used');
        b.#used = true;
        return b.#streamNow();
      };
      // The host handle of an unused body that has made no stream, which a new Request takes
      // over (this body counts as used afterwards); null otherwise.
      takeHandle = (b) => {
        if (b.#handle === null || b.#used) return null;
        const handle = b.#handle;
        b.#handle = null;
        b.#used = true;
        return handle;
      };
      teeForClone = (b) => {
        if (b.#used || (b.#stream && b.#stream.locked)) throw new TypeError('Body has already been used');
        const stream = b.#streamNow();
        if (stream === null) return null;
        const [one, two] = stream.tee();
        b.#stream = one;
        return two;
      };
      // What the host reads the body from (bodyForHost): its string or bytes while no stream was
      // made (the host copies them at once), else the stream. Used afterwards either way.
      hostBody = (b) => {
        const handle = takeHandle(b);
        if (handle !== null) {
          b.#handedOver = true;
          return { handle };
        }
        // The host already took this body's handle (the same Response returned twice).
        if (b.#handedOver) throw new TypeError('Body has already been used');
        if (b.#pending && !b.#used) {
          b.#used = true;
          return b.#text !== null ? b.#text : internal.exactBuffer(b.#bytes);
        }
        // A stream the host reads from now: the body is used (a Request sent by fetch as it is,
        // as its copy would have taken the body over).
        const stream = b.#streamNow();
        if (stream !== null) b.#used = true;
        return bodyForHost(stream);
      };
    }
    #bytesNow() {
      if (this.#bytes === null && this.#text !== null) this.#bytes = internal.utf8Encode(this.#text);
      return this.#bytes;
    }
    #streamNow() {
      if (this.#handle !== null) { this.#stream = streamFromHost(this.#handle); this.#handle = null; }
      if (this.#pending) { this.#pending = false; this.#stream = streamOfBytes(this.#bytesNow()); }
      return this.#stream;
    }
    get body() { return this.#streamNow(); }
    get bodyUsed() { return this.#used || (this.#stream !== null && internal.isDisturbed(this.#stream)); }
    async arrayBuffer() { return (await this.#consume()).buffer; }
    async bytes() { return this.#consume(); }
    async text() {
      // A string body no longer than the limit in any encoding reads back as itself.
      if (this.#pending && !this.#used && this.#text !== null && this.#text.length * 3 <= internal.limits.maxBodyBytes) {
        this.#used = true;
        return wellFormed(this.#text);
      }
      return internal.utf8Decode(await this.#consume());
    }
    async json() { return JSON.parse(await this.text()); }
    async blob() { const bytes = await this.#consume(); return internal.blobOf(bytes, this.headers.get('content-type')); }
    // Parsed from the buffered body, so the body limit (maxBodyBytes) applies before parsing.
    async formData() { const bytes = await this.#consume(); return internal.parseForm(bytes, this.headers.get('content-type')); }
    async #consume() {
      if (this.#used || (this.#stream && this.#stream.locked)) throw new TypeError('Body has already been used');
      if (this.#handle !== null) this.#streamNow();
      this.#used = true;
      const max = internal.limits.maxBodyBytes;
      if (this.#pending) {
        // A copy: the body keeps its bytes for replaying on redirects.
        const bytes = this.#bytesNow();
        if (bytes.length > max) { host.bodyTooLarge(); throw new RangeError(`body is larger than the limit of ${max} bytes`); }
        return bytes.slice();
      }
      if (this.#stream === null) return new Uint8Array(0);
      const reader = this.#stream.getReader();
      const chunks = [];
      let total = 0;
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        const u8 = typeof value === 'string' ? internal.utf8Encode(value) : internal.toUint8(value, 'body chunk');
        total += u8.length;
        if (total > max) { reader.cancel().catch(() => {}); host.bodyTooLarge(); throw new RangeError(`body is larger than the limit of ${max} bytes`); }
        chunks.push(u8);
      }
      if (chunks.length === 1) return chunks[0];
      const out = new Uint8Array(total);
      let at = 0;
      for (const c of chunks) { out.set(c, at); at += c.length; }
      return out;
    }
  }

  // Only these are upper-cased (Fetch Standard "normalize a method"); PATCH stays as written.
  const METHODS = ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'POST', 'PUT'];
  const FORBIDDEN_METHODS = ['CONNECT', 'TRACE', 'TRACK'];
  const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
  const REASON_PHRASE = /^[\t\x20-\x7e\x80-\xff]*$/;
  // Set just before the runtime constructs an incoming request, which is passed on as the client
  // sent it (any method, credentials in the URL); the constructor reads and clears it before it
  // runs anything a worker could observe. A flag rather than a key in `init`: a Proxy given as
  // `init` would see any key the constructor reads, symbols included.
  let nextFromHost = false;
  let nextHostBody = null; // with nextFromHost: the incoming request's body handle, or null
  let nextUrlCanonical = false; // with nextFromHost: the host found the URL canonical (see below)
  // requestSignal(r); isRequest(v), the brand check; requestParts(r), its own method, URL,
  // headers and redirect mode, never its (overridable) getters.
  let requestSignal, isRequest, requestParts;
  // URLs the WHATWG parser would return unchanged: http(s), a lower-case host name whose labels
  // start with a letter (or a dotted quad without leading zeros), no port or one from 1000 up (so
  // never a default port), a path and query of characters the parser leaves alone. Dot segments
  // and "xn--" labels are left to the parser. A request from the host whose URL has this form
  // keeps it as its url without parsing it (the parser is the costliest part of a small request).
  // The host tests the same (WorkerContext.CANONICAL_URL) and says so; these are tested here only
  // when it did not.
  const OCTET = '(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])';
  const CANONICAL_URL = new RegExp('^https?://(?:[a-z][a-z0-9-]*(?:\\.[a-z][a-z0-9-]*)*|'
    + `${OCTET}\\.${OCTET}\\.${OCTET}\\.${OCTET})`
    + '(?::(?:[1-9][0-9]{3}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5]))?'
    + "/[A-Za-z0-9\\-._~!$&'()*+,;=:@%/]*(?:\\?[A-Za-z0-9\\-._~!$&()*+,;=:@%/?]*)?$");
  const NOT_CANONICAL = /\/\.|%2e|xn--/i;
  class Request extends Body {
    #method; #url; #headers; #redirect; #signal; #cf;
    constructor(input, init = {}) {
      const fromHost = nextFromHost;
      const hostHandle = fromHost ? nextHostBody : null;
      const canonical = fromHost && nextUrlCanonical;
      nextFromHost = false;
      nextHostBody = null;
      nextUrlCanonical = false;
      super();
      // A Request given as input is read through its own fields, never its (overridable) getters:
      // a subclass must not be able to hand an unchecked method or URL to the host.
      let base = null;
      if (input !== null && typeof input === 'object' && #method in input) base = input;
      else if (fromHost && typeof input === 'string'
        && (canonical || (CANONICAL_URL.test(input) && !NOT_CANONICAL.test(input)))) this.#url = input;
      else {
        const url = new URL(String(input));
        if ((url.username !== '' || url.password !== '') && !fromHost) throw new TypeError(`Request URL includes credentials: ${input}`);
        this.#url = url.href;
      }
      if (base) this.#url = base.#url;
      let method = base ? base.#method : 'GET';
      if (init.method !== undefined && fromHost) method = String(init.method);
      else if (init.method !== undefined) {
        method = String(init.method);
        if (!TOKEN.test(method)) throw new TypeError(`Invalid method: "${method}"`);
        const upper = method.toUpperCase();
        if (FORBIDDEN_METHODS.includes(upper)) throw new TypeError(`Forbidden method: ${method}`);
        if (METHODS.includes(upper)) method = upper;
      }
      this.#method = method;
      // The runtime's own Headers for an incoming request are taken over, not copied.
      this.#headers = fromHost && init.headers instanceof Headers ? init.headers
        : new Headers(init.headers !== undefined ? init.headers : base ? base.#headers : undefined);
      this.#redirect = init.redirect || (base ? base.#redirect : 'follow');
      if (!['follow', 'manual', 'error'].includes(this.#redirect)) throw new TypeError(`Invalid redirect value: ${this.#redirect}`);
      // Made on first use: a signal nobody asked for can never be aborted (its controller is ours).
      this.#signal = init.signal || (base ? base.#signal : null);
      this.#cf = init.cf || (base ? base.#cf : undefined);
      let extracted;
      if (hostHandle !== null) extracted = { stream: null, bytes: null, handle: hostHandle, type: null };
      else if (init.body !== undefined && init.body !== null) {
        if (method === 'GET' || method === 'HEAD') throw new TypeError('Request with GET/HEAD method cannot have body.');
        extracted = extractBody(init.body);
        if (extracted.type && !this.#headers.has('content-type')) this.#headers.set('content-type', extracted.type);
      } else if (base && init.body === undefined) {
        // The new request takes the body over: its host handle while it made no stream.
        const handle = takeHandle(base);
        extracted = handle !== null ? { stream: null, bytes: null, handle, type: null }
          : { stream: bodyStream(base) ? transferBody(base) : null, bytes: replayableBytes(base), type: null };
      } else extracted = { stream: null, bytes: null, type: null };
      initBody(this, extracted);
    }
    get method() { return this.#method; }
    get url() { return this.#url; }
    get headers() { return this.#headers; }
    get redirect() { return this.#redirect; }
    get signal() { if (this.#signal === null) this.#signal = new AbortController().signal; return this.#signal; }
    static {
      // The signal given or asked for, or null: then nobody can abort the request.
      requestSignal = (r) => r.#signal;
      isRequest = (v) => v !== null && typeof v === 'object' && #method in v;
      requestParts = (r) => ({ method: r.#method, url: r.#url, headers: r.#headers, redirect: r.#redirect });
    }
    get cf() { return this.#cf; }
    clone() {
      const other = teeForClone(this);
      const r = new Request(this.#url, { method: this.#method, headers: this.#headers, redirect: this.#redirect, signal: this.#signal });
      initBody(r, { stream: other, bytes: replayableBytes(this), type: null });
      return r;
    }
  }

  const REDIRECTS = [301, 302, 303, 307, 308];
  // Builds a Response the runtime received (any status the host passed, the URL it came from,
  // a body stream): module-private, assigned in Response's static block.
  // isResponse is its brand check (a Proxy, or an object made with Response.prototype, is not one).
  // responseParts reads a response's own fields, not its (overridable) getters.
  let receivedResponse, isResponse, responseParts;
  // Set just before receivedResponse constructs a Response, whose fields it then sets itself: the
  // constructor returns at once (no Headers, no body to extract). Read and cleared before
  // anything a worker could observe.
  let nextReceived = false;
  class Response extends Body {
    #status; #statusText; #headers; #url = ''; #redirected = false; #type = 'default';
    constructor(body = null, init = {}) {
      const received = nextReceived;
      nextReceived = false;
      super();
      if (received) return;
      const status = init.status === undefined ? 200 : Number(init.status);
      if (!(status >= 200 && status <= 599)) throw new RangeError(`init["status"] must be in the range of 200 to 599, inclusive.`);
      if (body !== null && body !== undefined && [101, 204, 205, 304].includes(status)) throw new TypeError('Response with null body status cannot have body');
      this.#status = status;
      this.#statusText = init.statusText === undefined ? '' : String(init.statusText);
      if (this.#statusText !== '' && !REASON_PHRASE.test(this.#statusText)) throw new TypeError(`Invalid statusText: ${JSON.stringify(this.#statusText)}`);
      const given = init.headers;
      let extracted;
      if (given === undefined) {
        extracted = extractBody(body);
        this.#headers = extracted.type === TEXT_TYPE ? headersOfHost(TEXT_LINES) : new Headers();
        if (extracted.type && extracted.type !== TEXT_TYPE) this.#headers.set('content-type', extracted.type);
      } else {
        this.#headers = new Headers(given);
        extracted = extractBody(body);
        if (extracted.type && !this.#headers.has('content-type')) this.#headers.set('content-type', extracted.type);
      }
      initBody(this, extracted);
    }
    static {
      isResponse = (v) => v !== null && typeof v === 'object' && #status in v;
      responseParts = (r) => ({ status: r.#status, statusText: r.#statusText, headers: r.#headers });
      // fresh: headers is the runtime's own new Headers for this response, taken over, not copied.
      // handle: the host body handle to keep instead of a stream (null: the stream, or none).
      receivedResponse = (status, statusText, headers, stream, url, redirected, fresh = false, handle = null) => {
        nextReceived = true;
        const r = new Response(null);
        r.#status = status;
        r.#statusText = statusText;
        r.#headers = fresh ? headers : new Headers(headers);
        initBody(r, { stream, bytes: null, handle, type: null });
        r.#url = url;
        r.#redirected = redirected;
        return r;
      };
    }
    static json(data, init = {}) {
      const text = JSON.stringify(data);
      if (text === undefined) throw new TypeError('Value is not JSON serializable');
      const headers = new Headers(init.headers);
      if (!headers.has('content-type')) headers.set('content-type', 'application/json');
      return new Response(text, { ...init, headers });
    }
    static redirect(url, status = 302) {
      if (!REDIRECTS.includes(status)) throw new RangeError(`Invalid status code: ${status}`);
      const r = new Response(null, { status, headers: { location: new URL(String(url)).href } });
      headersSetGuard(r.#headers, 'immutable');
      return r;
    }
    static error() {
      const r = new Response(null, { status: 200 });
      r.#type = 'error'; r.#status = 0; headersSetGuard(r.#headers, 'immutable');
      return r;
    }
    get status() { return this.#status; }
    get statusText() { return this.#statusText; }
    get ok() { return this.#status >= 200 && this.#status <= 299; }
    get headers() { return this.#headers; }
    get url() { return this.#url; }
    get redirected() { return this.#redirected; }
    get type() { return this.#type; }
    clone() {
      const other = teeForClone(this);
      const r = receivedResponse(this.#status, this.#statusText, this.#headers, other, this.#url, this.#redirected);
      r.#type = this.#type;
      return r;
    }
  }

  // An error the host reports by constructor name: only the fixed set of standard errors.
  function hostError(name, message) {
    const C = internal.errorConstructor(name);
    return new C(String(message));
  }

  // Headers the host gave: its checked list kept as it is (HostHeaders.java), or a plain array
  // [name, value, ...] that goes through append's checks.
  function receivedHeaders(headers, checked) {
    if (checked) return headersOfHost(headers);
    const h = new Headers();
    for (let i = 0; i + 1 < headers.length; i += 2) h.append(headers[i], headers[i + 1]);
    return h;
  }

  // One hop: send req through target (a host handle), resolve with a Response.
  function sendOnce(target, req) {
    return new Promise((resolve, reject) => {
      const signal = requestSignal(req);
      if (signal !== null && signal.aborted) { reject(signal.reason); return; }
      let settled = false;
      const onAbort = () => { if (!settled) { settled = true; reject(signal.reason); } };
      if (signal !== null) signal.addEventListener('abort', onAbort);
      const { method, url, headers: sent } = requestParts(req);
      host.send(target, method, url, headersForHost(sent), hostBody(req),
        // checked: headers is the host's checked list (HostHeaders.java), else a plain array.
        (status, statusText, headers, handle, checked) => {
          if (signal !== null) signal.removeEventListener('abort', onAbort);
          if (settled) { if (handle !== null) host.bodyCancel(handle); return; }
          settled = true;
          const h = receivedHeaders(headers, checked);
          const nullBody = status === 101 || status === 204 || status === 205 || status === 304 || method === 'HEAD';
          if (nullBody && handle !== null) host.bodyCancel(handle);
          resolve(receivedResponse(status, statusText, h, null, url, false, true, nullBody ? null : handle));
        },
        (name, message) => { if (signal !== null) signal.removeEventListener('abort', onAbort); if (!settled) { settled = true; reject(hostError(name, message)); } });
    });
  }

  // Fetch Standard redirect handling; every hop goes through the host again (policy re-check).
  async function fetchVia(target, input, init) {
    // A Request given alone is sent itself: the copy new Request(input) would make is the same
    // request (read from its own fields, as sendOnce reads it), and would only be thrown away. Its
    // body goes with it either way, and a used one is refused as the copy would refuse it.
    let req;
    if (init === undefined && isRequest(input)) {
      if (bodyUnusable(input)) throw new TypeError('Body has already been used');
      req = input;
    } else req = new Request(input, init);
    for (let hop = 0; ; hop++) {
      const res = await sendOnce(target, req);
      const redirect = REDIRECTS.includes(res.status);
      if (hop === 0 && !redirect) return res;
      const sent = requestParts(req);
      if (!redirect || !res.headers.has('location') || sent.redirect === 'manual') {
        return hop === 0 ? res : receivedResponse(res.status, res.statusText, res.headers, res.body, sent.url, true);
      }
      if (sent.redirect === 'error') { res.body && res.body.cancel().catch(() => {}); throw new TypeError(`Fetch failed: redirected to ${res.headers.get('location')} but redirect mode is "error"`); }
      if (hop >= 19) { res.body && res.body.cancel().catch(() => {}); throw new TypeError('Fetch failed: too many redirects (more than 20)'); }
      res.body && res.body.cancel().catch(() => {});
      const location = new URL(res.headers.get('location'), sent.url).href;
      let method = sent.method;
      let body = replayableBytes(req);
      const headers = new Headers(sent.headers);
      if ((res.status === 303 && method !== 'GET' && method !== 'HEAD') || ((res.status === 301 || res.status === 302) && method === 'POST')) {
        method = 'GET'; body = null;
        for (const h of ['content-type', 'content-length', 'content-encoding', 'content-language', 'content-location']) headers.delete(h);
      } else if (isStreamed(req) && body === null) {
        throw new TypeError('Fetch failed: cannot follow a redirect with a streamed request body');
      }
      if (new URL(location).origin !== new URL(sent.url).origin) { headers.delete('authorization'); headers.delete('cookie'); }
      req = new Request(location, { method, headers, body, redirect: sent.redirect, signal: requestSignal(req) || undefined });
    }
  }

  internal.fetchVia = fetchVia;
  Object.assign(internal, { Request, Response, receivedResponse });

  let outbound = null; // host handle of the worker's globalOutbound, or null
  function fetch(input, init) {
    if (outbound === null) {
      // Recorded as a refused attempt (audit log); a URL that cannot even be read is recorded empty.
      let url = '';
      try { url = typeof input === 'string' ? input : input instanceof Request ? input.url : String(input); } catch (e) { url = ''; }
      host.refusedFetch(url);
      return Promise.reject(new TypeError('fetch() failed: this worker has no outbound network access. '
        + "To grant it, set 'globalOutbound' in the worker's config to a network or external service."));
    }
    try { return fetchVia(outbound, input, init); } catch (e) { return Promise.reject(e); }
  }

  // ---- service bindings ----
  const NOT_RPC = new Set(['then', 'toJSON', 'constructor', 'valueOf', 'toString', 'toLocaleString', 'inspect', 'fetch', 'connect']);
  // Calls method on the fetcher's RPC target (module-private, assigned in Fetcher's static block).
  let callRpc;
  class Fetcher {
    #target;
    constructor(key, target) { if (key !== internal) throw new TypeError('Illegal constructor'); this.#target = target; }
    fetch(input, init) { try { return fetchVia(this.#target, input, init); } catch (e) { return Promise.reject(e); } }
    static {
      callRpc = (fetcher, method, args) => {
        const target = fetcher.#target;
        return new Promise((resolve, reject) => {
          let encoded;
          try { encoded = internal.encodeClone(args); } catch (e) { reject(e); return; }
          // What comes back is decoded as hostile data: a decoding failure is a rejection.
          const settle = (text, ok) => {
            let value;
            try { value = internal.decodeClone(text); } catch (e) { reject(e); return; }
            if (ok) resolve(value); else reject(value);
          };
          host.rpc(target, method, encoded, (result) => settle(result, true), (error) => settle(error, false));
        });
      };
    }
  }
  function rpcStub(fetcher) {
    return new Proxy(fetcher, {
      get(t, prop) {
        if (prop === 'fetch') return (input, init) => t.fetch(input, init);
        if (prop === 'toString' || prop === Symbol.toPrimitive) return () => '[object Fetcher]';
        if (typeof prop !== 'string' || NOT_RPC.has(prop)) return undefined;
        return (...args) => callRpc(t, prop, args);
      },
      set() { return false; },
      defineProperty() { return false; },
      deleteProperty() { return false; },
      has(t, prop) { return prop === 'fetch'; },
      ownKeys() { return []; },
      getOwnPropertyDescriptor() { return undefined; },
    });
  }

  class WorkerEntrypoint {
    constructor(ctx, env) { this.ctx = ctx; this.env = env; }
  }
  Object.defineProperty(globalThis, Symbol.for('capmesh.cloudflare:workers'), {
    value: Object.freeze({ WorkerEntrypoint, base64ToBuffer: (s) => internal.base64ToBytes(s).buffer }),
    writable: false, configurable: false, enumerable: false,
  });

  // ---- the worker's handlers and env ----
  let env = {};
  let mainNamespace = null;
  const swListeners = [];

  // Every worker's fetch handler is called from the first of these sites, its entrypoint
  // classes are made by the second and their RPC methods called by the third; all the engine's
  // workers share their code. A site that cached the handlers it had seen would be invalidated,
  // with the compiled code around it, each time a new one arrived (a worker loaded by a reload,
  // say), and every other worker would slow down until it was compiled again: after a --watch
  // reload, the other worker of a two-worker config ran at 0.3-0.5x its warm speed for 8 s
  // (docs/BENCHMARKS.md, issue 9). So each site is made generic here, before any worker reaches
  // it, by more distinct handlers than a cache holds (GraalJS keeps 4 functions and 5 shapes).
  // Reflect.apply keeps a cache of its own for each site that calls it, hence the third site.
  const callFetch = (handlers, request, env, ctx, entrypoint) => {
    if (!handlers || typeof handlers.fetch !== 'function') throw new Error(`The worker's ${entrypoint === null ? 'default export' : 'export "' + entrypoint + '"'} has no fetch handler`);
    return handlers.fetch(request, env, ctx);
  };
  const construct = (cls, ctx, env) => new cls(ctx, env);
  const reflectApply = Reflect.apply; // taken before worker code can replace it
  const callMethod = (fn, self, args) => reflectApply(fn, self, args);
  (function makeGeneric() {
    const stand = [
      class { fetch() { return 0; } }, class { fetch() { return 1; } }, class { fetch() { return 2; } },
      class { fetch() { return 3; } }, class { fetch() { return 4; } }, class { fetch() { return 5; } },
      class { fetch() { return 6; } }, class { fetch() { return 7; } },
    ];
    for (let i = 0; i < stand.length; i++) {
      const handlers = construct(stand[i], null, null);
      callFetch(handlers, null, null, null, null);
      callMethod(handlers.fetch, handlers, []);
    }
  })();
  function deepFreeze(v) { if (v && typeof v === 'object') { Object.freeze(v); for (const k of Object.keys(v)) deepFreeze(v[k]); } return v; }

  function makeCtx(props, waitUntils) {
    return {
      waitUntil(p) { waitUntils.push(Promise.resolve(p).catch((e) => host.log('error', 'waitUntil promise rejected: ' + internal.formatValue(e)))); },
      passThroughOnException() {},
      props: props === null ? {} : deepFreeze(JSON.parse(props)),
    };
  }
  async function settleAll(list) {
    for (let seen = 0; seen < list.length;) { const n = list.length; await Promise.allSettled(list.slice(seen)); seen = n; }
  }
  function entryClass(name) {
    const v = name === null ? mainNamespace && mainNamespace.default : mainNamespace && mainNamespace[name];
    return typeof v === 'function' && v.prototype instanceof WorkerEntrypoint ? v : null;
  }

  // The engine already refuses code generation from strings (js.allow-eval=false); these stand-ins
  // only make the refusal read as workerd's. Every way to the constructors is replaced: the
  // globals and the `constructor` of each function kind's prototype.
  function refuseCodeGeneration() {
    const refuse = () => { throw new EvalError('Code generation from strings disallowed for this context'); };
    const standIn = (name) => ({ [name]: function () { refuse(); } })[name];
    Object.defineProperty(globalThis, 'eval', { value: standIn('eval'), writable: true, configurable: true, enumerable: false });
    let functionStandIn = null;
    // Function first: the other kinds' constructors inherit from it.
    for (const example of [function () {}, async function () {}, function* () {}, async function* () {}]) {
      const proto = Object.getPrototypeOf(example);
      const isFunction = proto === Function.prototype;
      const f = standIn(proto.constructor.name);
      Object.defineProperty(f, 'prototype', { value: proto, writable: false, enumerable: false, configurable: false });
      Object.defineProperty(f, 'length', { value: 1, configurable: true });
      Object.defineProperty(proto, 'constructor', { value: f, writable: isFunction, enumerable: false, configurable: true });
      if (isFunction) {
        functionStandIn = f;
        Object.defineProperty(globalThis, 'Function', { value: f, writable: true, configurable: true, enumerable: false });
      } else {
        Object.setPrototypeOf(f, functionStandIn);
      }
    }
  }

  internal.api = {
    init(bindings, hasOutbound, limits) {
      internal.limits = { maxBodyBytes: limits.maxBodyBytes };
      if (!limits.allowEval) refuseCodeGeneration();
      outbound = hasOutbound;
      const e = {};
      for (let i = 0; i < bindings.length; i++) {
        const [name, kind, value, rpc] = bindings[i];
        switch (kind) {
          case 'text': case 'secret': e[name] = value; break;
          case 'null': e[name] = null; break;
          case 'json': e[name] = JSON.parse(value); break;
          case 'data': e[name] = internal.latin1ToBytes(value).buffer; break;
          case 'cryptoKey': e[name] = internal.makeCryptoKey(value); break;
          case 'service': { const f = new Fetcher(internal, value); e[name] = rpc ? rpcStub(f) : f; break; }
          default: {
            const make = internal.bindingKinds && internal.bindingKinds[kind];
            if (typeof make !== 'function') throw new TypeError('unknown binding kind ' + kind);
            e[name] = make(value, name);
          }
        }
      }
      env = e;
    },
    setMain(ns) { mainNamespace = ns; },
    exposeEnvAsGlobals() { for (const k of Object.keys(env)) defineGlobal(k, env[k]); },
    // respond(status, statusText, flatHeaders, body) | fail(kind, message, stack); idle() when waitUntil settled.
    // checked: headers is the host's checked list (HostHeaders.java), else a plain array.
    // canonical: the host found url in the form CANONICAL_URL describes.
    handleFetch(method, url, canonical, headers, checked, handle, props, entrypoint, respond, fail, idle) {
      const waitUntils = [];
      const h = receivedHeaders(headers, checked);
      const init = { method, headers: h };
      let result;
      try {
        nextFromHost = true;
        nextHostBody = handle !== null && method !== 'GET' && method !== 'HEAD' ? handle : null;
        nextUrlCanonical = canonical === true;
        const request = new Request(url, init);
        const ctx = makeCtx(props, waitUntils);
        if (mainNamespace === null) {
          result = new Promise((resolve, reject) => {
            let responded = false;
            const event = {
              type: 'fetch', request,
              respondWith(p) { responded = true; Promise.resolve(p).then(resolve, reject); },
              waitUntil: ctx.waitUntil, passThroughOnException() {},
            };
            for (const l of swListeners) l(event);
            if (!responded) reject(new Error('No fetch event listener called respondWith()'));
          });
        } else {
          const cls = entryClass(entrypoint);
          const handlers = cls ? construct(cls, ctx, env) : (entrypoint === null ? mainNamespace.default : mainNamespace[entrypoint]);
          result = callFetch(handlers, request, env, ctx, entrypoint);
        }
      } catch (e) { result = Promise.reject(e); }
      const failWith = (e) => { const [message, stack] = describeThrown(e); fail('exception', message, stack); };
      Promise.resolve(result).then((res) => { try {
        // Only the kind of a wrong value is reported: the value itself could hold anything
        // (env, secrets), and this message reaches the client.
        if (!isResponse(res)) {
          fail('type', `The fetch handler returned ${describeKind(res)} instead of a Response object`, '');
          return;
        }
        const { status, statusText, headers } = responseParts(res);
        if (!(status >= 200 && status <= 599)) {
          const body = bodyStream(res);
          if (body) body.cancel().catch(() => {});
          fail('type', status === 0 ? 'The fetch handler returned an error Response (Response.error()), which cannot be sent to a client'
            : `The fetch handler returned a Response with status ${status}; a handler's response must have a status from 200 to 599`, '');
          return;
        }
        respond(status, statusText, headersForHost(headers), hostBody(res));
      } catch (e) { failWith(e); } }, failWith)
        .then(() => (waitUntils.length === 0 ? idle() : settleAll(waitUntils).then(() => idle())));
    },
    handleRpc(entrypoint, props, method, args, resolve, reject) {
      const waitUntils = [];
      const fail = (e) => { try { reject(internal.encodeClone(e)); } catch (x) { reject(internal.encodeClone(new Error(String(e)))); } };
      (async () => {
        const cls = entryClass(entrypoint);
        if (cls === null) throw new TypeError(`The RPC target ${entrypoint === null ? 'default export' : '"' + entrypoint + '"'} is not a WorkerEntrypoint class`);
        const instance = construct(cls, makeCtx(props, waitUntils), env);
        const fn = instance[method];
        if (typeof fn !== 'function' || method in Object.prototype || method in WorkerEntrypoint.prototype && !Object.prototype.hasOwnProperty.call(cls.prototype, method)) {
          throw new TypeError(`The RPC receiver does not implement the method "${method}".`);
        }
        const decoded = internal.decodeClone(args);
        if (!Array.isArray(decoded)) throw new TypeError('malformed RPC arguments');
        return callMethod(fn, instance, decoded);
      })().then((r) => { let s; try { s = internal.encodeClone(r); } catch (e) { fail(e); return; } resolve(s); }, fail);
    },
  };

  // [message, stack] of something thrown, for the log; the thrown value's own getters and
  // toString may throw too, and must not stop the request from being answered.
  function describeThrown(e) {
    let message, stack = '';
    try { message = String(e !== null && typeof e === 'object' && e.message !== undefined ? `${e.name}: ${e.message}` : e); }
    catch (x) { message = 'an exception that cannot be described'; }
    try { stack = String(e !== null && typeof e === 'object' && e.stack || ''); } catch (x) { stack = ''; }
    return [message, stack];
  }
  function describeKind(v) {
    if (v === undefined) return 'undefined';
    if (v === null) return 'null';
    if (Array.isArray(v)) return 'an array';
    const t = typeof v;
    return t === 'object' ? 'an object' : t === 'function' ? 'a function' : `a ${t}`;
  }
  function addEventListener(type, listener) {
    if (type === 'fetch' && typeof listener === 'function') swListeners.push(listener);
  }
  for (const [k, v] of Object.entries({ Request, Response, fetch, Fetcher, addEventListener })) defineGlobal(k, v);
})
