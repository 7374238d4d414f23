// Test worker for StorageBindingTest: each path runs one scenario and answers "name=JSON" lines.
const lines = (r) => new Response(Object.entries(r).map(([k, v]) => k + '=' + JSON.stringify(v)).join('\n') + '\n');
async function attempt(f) {
  try { return { ok: await f() }; } catch (e) { return { error: e && e.name, message: e && e.message }; }
}
const enc = new TextEncoder();
let kept = null;
let count = 0;
const hex = (buf) => [...new Uint8Array(buf)].map((b) => b.toString(16).padStart(2, '0')).join('');
const plain = (o) => o === null ? null : { key: o.key, size: o.size, etag: o.etag, httpEtag: o.httpEtag,
  version: typeof o.version, uploaded: o.uploaded instanceof Date, httpMetadata: o.httpMetadata,
  customMetadata: o.customMetadata, range: o.range, checksums: o.checksums.toJSON(), storageClass: o.storageClass,
  hasBody: 'body' in o, kind: Object.prototype.toString.call(o) };

const scenarios = {
  async api(b) {
    const r = {};
    const put = await b.put('docs/héllo.txt', 'héllo wörld', {
      httpMetadata: { contentType: 'text/plain; charset=utf-8', cacheControl: 'max-age=60', cacheExpiry: new Date(Date.UTC(2037, 0, 2)) },
      customMetadata: { owner: 'ädmin', n: 1 },
    });
    r.put = plain(put);
    const got = await b.get('docs/héllo.txt');
    r.get = plain(got);
    r.bodyUsedBefore = got.bodyUsed;
    r.text = await got.text();
    r.bodyUsedAfter = got.bodyUsed;
    r.again = await attempt(() => got.text());
    r.json = await (await b.put('j', JSON.stringify({ a: [1, 2] }))) && await (await b.get('j')).json();
    r.arrayBuffer = hex(await (await b.get('j')).arrayBuffer());
    r.bytes = (await (await b.get('j')).bytes()).length;
    r.stream = await new Response((await b.get('docs/héllo.txt')).body).text();
    r.head = plain(await b.head('docs/héllo.txt'));
    r.missingGet = await b.get('nope');
    r.missingHead = await b.head('nope');
    const h = new Headers();
    (await b.head('docs/héllo.txt')).writeHttpMetadata(h);
    r.written = [...h];
    await b.put('buf', new Uint8Array([0, 1, 255]).buffer);
    r.buf = [...new Uint8Array(await (await b.get('buf')).arrayBuffer())];
    await b.put('view', new Uint8Array([9, 8, 7, 6]).subarray(1, 3));
    r.view = [...new Uint8Array(await (await b.get('view')).arrayBuffer())];
    await b.put('streamed', new ReadableStream({ start(c) { c.enqueue(enc.encode('ab')); c.enqueue(enc.encode('cd')); c.close(); } }));
    r.streamed = await (await b.get('streamed')).text();
    r.nullValue = (await b.put('null', null)).size;
    r.emptyText = await (await b.get('null')).text();
    r.headersMeta = (await b.put('hm', 'x', { httpMetadata: new Headers({ 'content-type': 'image/png', 'content-language': 'de' }) })).httpMetadata;
    const sha256 = await crypto.subtle.digest('SHA-256', enc.encode('sum'));
    r.sha256 = (await b.put('sum', 'sum', { sha256: hex(sha256) })).checksums.toJSON();
    r.sha256Buffer = Object.keys((await b.put('sum2', 'sum', { sha256 })).checksums.toJSON());
    r.badSum = await attempt(() => b.put('sum3', 'other', { sha256 }));
    r.badSumStored = await b.head('sum3');
    r.list = await b.list().then((l) => ({ keys: l.objects.map((o) => o.key), truncated: l.truncated, cursor: 'cursor' in l, prefixes: l.delimitedPrefixes, meta: l.objects[0].httpMetadata }));
    r.listInclude = (await b.list({ prefix: 'docs/', include: ['httpMetadata', 'customMetadata'] })).objects.map((o) => [o.httpMetadata.contentType, o.customMetadata.owner]);
    r.listDelimiter = await b.list({ delimiter: '/' }).then((l) => [l.objects.map((o) => o.key), l.delimitedPrefixes]);
    const p1 = await b.list({ limit: 3 });
    const p2 = await b.list({ limit: 100, cursor: p1.cursor });
    r.pages = [p1.objects.map((o) => o.key), p1.truncated, p2.objects.map((o) => o.key), p2.truncated];
    r.startAfter = (await b.list({ startAfter: 'sum', prefix: 's' })).objects.map((o) => o.key);
    await b.delete('j');
    await b.delete(['buf', 'view', 'never']);
    r.afterDelete = (await b.list()).objects.map((o) => o.key);
    r.stringified = JSON.parse(JSON.stringify(await b.head('sum')));
    await b.put('blob', new Blob(['bl', 'ob']));
    r.blobPut = await (await b.get('blob')).text();
    const bl = await (await b.get('hm')).blob();
    r.blob = [bl.type, await bl.text()];
    const used = await b.get('hm');
    await used.body.getReader().read();
    r.bodyUsedAfterRead = used.bodyUsed;
    return r;
  },
  async ranges(b) {
    const r = {};
    await b.put('r', '0123456789');
    const read = async (range) => { const o = await b.get('r', { range }); return [await o.text(), o.range]; };
    r.offsetLength = await read({ offset: 2, length: 3 });
    r.offset = await read({ offset: 7 });
    r.length = await read({ length: 2 });
    r.suffix = await read({ suffix: 4 });
    r.clamped = await read({ offset: 8, length: 100 });
    r.header = await read(new Headers({ range: 'bytes=1-2' }));
    r.headerSuffix = await read(new Headers({ range: 'bytes=-1' }));
    r.past = await attempt(() => b.get('r', { range: { offset: 10 } }));
    r.both = await attempt(() => b.get('r', { range: { offset: 1, suffix: 2 } }));
    r.negative = await attempt(() => b.get('r', { range: { offset: -1 } }));
    r.badHeader = await attempt(() => b.get('r', { range: new Headers({ range: 'bytes=0-1,3-4' }) }));
    const etag = (await b.head('r')).etag;
    const cond = async (onlyIf) => { const o = await b.get('r', { onlyIf }); return o === null ? null : ('body' in o) ? 'body' : 'object'; };
    r.matches = await cond({ etagMatches: etag });
    r.matchesQuoted = await cond({ etagMatches: [`"${etag}"`] });
    r.matchesOther = await cond({ etagMatches: 'nope' });
    r.doesNotMatch = await cond({ etagDoesNotMatch: etag });
    r.doesNotMatchStar = await cond({ etagDoesNotMatch: '*' });
    r.before = await cond({ uploadedBefore: new Date(Date.now() - 3600e3) });
    r.after = await cond({ uploadedAfter: new Date(Date.now() - 3600e3) });
    r.headersNoneMatch = await cond(new Headers({ 'if-none-match': `"${etag}"` }));
    r.headersMatch = await cond(new Headers({ 'if-match': `"x", "${etag}"` }));
    r.headersModified = await cond(new Headers({ 'if-modified-since': new Date(Date.now() + 3600e3).toUTCString() }));
    r.badDate = await attempt(() => b.get('r', { onlyIf: { uploadedBefore: 'not a date' } }));
    r.putIfAbsent = await b.put('r', 'new', { onlyIf: { etagDoesNotMatch: '*' } });
    r.putIfMatch = (await b.put('r', 'new', { onlyIf: new Headers({ 'if-match': `"${etag}"` }) })).size;
    r.after2 = await (await b.get('r')).text();
    return r;
  },
  async fetch(b) {
    const r = {};
    const res = async (p) => { const x = await p; return [x.status, x.headers.get('etag') !== null, x.status === 204 || x.status === 304 || x.body === null ? null : await x.text()]; };
    r.put = await res(b.fetch('/data.json', { method: 'PUT', body: '{"a":1}', headers: { 'content-type': 'application/json' } }));
    r.get = await res(b.fetch('/data.json'));
    r.relative = await res(b.fetch('data.json'));
    r.absolute = await res(b.fetch('https://example.com/data.json?x=1'));
    r.request = await res(b.fetch(new Request('http://any/data.json')));
    const g = await b.fetch('/data.json');
    r.headers = [g.headers.get('content-type'), g.headers.get('content-length'), g.headers.get('accept-ranges'), g.headers.get('last-modified') !== null];
    await g.text();
    const etag = g.headers.get('etag');
    r.range = await res(b.fetch('/data.json', { headers: { range: 'bytes=1-3' } }));
    r.rangeHeader = (await b.fetch('/data.json', { headers: { range: 'bytes=1-3' } })).headers.get('content-range');
    r.unsatisfiable = await res(b.fetch('/data.json', { headers: { range: 'bytes=100-' } }));
    r.notModified = await res(b.fetch('/data.json', { headers: { 'if-none-match': etag } }));
    r.preconditionFailed = await res(b.fetch('/data.json', { headers: { 'if-match': '"stale"' } }));
    r.head = await res(b.fetch('/data.json', { method: 'HEAD' }));
    r.headLength = (await b.fetch('/data.json', { method: 'HEAD' })).headers.get('content-length');
    r.spaces = await res(b.fetch('/a%20b', { method: 'PUT', body: 'spaced' }));
    r.spacesKey = (await b.head('a b')).key;
    r.streamedPut = await res(b.fetch('/s', { method: 'PUT', body: new ReadableStream({ start(c) { c.enqueue(enc.encode('x'.repeat(10))); c.close(); } }) }));
    r.post = await res(b.fetch('/data.json', { method: 'POST', body: 'x' }));
    r.allow = (await b.fetch('/data.json', { method: 'OPTIONS' })).headers.get('allow');
    r.root = await res(b.fetch('/'));
    r.delete = await res(b.fetch('/data.json', { method: 'DELETE' }));
    r.gone = await res(b.fetch('/data.json'));
    return r;
  },
  async limits(b) {
    const r = {};
    r.key1025 = await attempt(() => b.put('k'.repeat(1025), 'x'));
    r.key1024 = await attempt(async () => (await b.put('k'.repeat(1024), 'x')).size);
    r.empty = await attempt(() => b.get(''));
    r.loneSurrogate = await attempt(() => b.put('a\uD800', 'x'));
    r.symbolKey = await attempt(() => b.get(Symbol('k')));
    r.objectKey = await attempt(async () => (await b.put({ toString() { return '../../etc/passwd'; } }, 'x')).key);
    r.numberKey = await attempt(async () => (await b.put(42, 'x')).key);
    r.custom2049 = await attempt(() => b.put('m', 'x', { customMetadata: { k: 'v'.repeat(2048) } }));
    r.custom2048 = await attempt(async () => Object.keys((await b.put('m', 'x', { customMetadata: { k: 'v'.repeat(2047) } })).customMetadata));
    r.crlf = await attempt(() => b.put('m', 'x', { httpMetadata: { contentType: 'a\r\nSet-Cookie: x=y' } }));
    r.twoSums = await attempt(() => b.put('m', 'x', { md5: '0'.repeat(32), sha1: '0'.repeat(40) }));
    r.shortSum = await attempt(() => b.put('m', 'x', { md5: 'abc' }));
    r.listLimit = await attempt(() => b.list({ limit: 1001 }));
    r.listLimitHuge = await attempt(() => b.list({ limit: 1e12 }));
    r.listLimitZero = await attempt(() => b.list({ limit: 0 }));
    r.include = await attempt(() => b.list({ include: ['everything'] }));
    r.cursor = await attempt(() => b.list({ cursor: 'forged' }));
    r.deleteMany = await attempt(() => b.delete(new Array(1001).fill('k')));
    r.valueType = await attempt(() => b.put('t', { not: 'a value' }));
    r.ssec = await attempt(() => b.put('t', 'x', { ssecKey: 'k' }));
    r.options = await attempt(() => b.get('t', 'text'));
    r.brokenStream = await attempt(() => b.put('broken', new ReadableStream({
      n: 0,
      pull(c) { if (this.n++ < 3) c.enqueue(new Uint8Array(100000)); else c.error(new Error('the stream broke midway')); } })));
    r.brokenStored = await b.head('broken');
    r.badChunk = await attempt(() => b.put('broken', new ReadableStream({ start(c) { c.enqueue({ not: 'bytes' }); c.close(); } })));
    r.badChunkStored = await b.head('broken');
    r.locked = await attempt(() => { const s = new ReadableStream(); s.getReader(); return b.put('l', s); });
    return r;
  },
  async hostile(b, url, env) {
    const r = {};
    const seen = [];
    const iter = Array.prototype[Symbol.iterator];
    const apply = Function.prototype.apply;
    const reflectApply = Reflect.apply;
    Array.prototype[Symbol.iterator] = function () { for (let i = 0; i < this.length; i++) seen.push(this[i]); return iter.call(this); };
    Function.prototype.apply = function (t, args) { if (args) for (let i = 0; i < args.length; i++) seen.push(args[i]); return reflectApply(this, t, args); };
    Reflect.apply = function (f, t, args) { if (args) for (let i = 0; i < args.length; i++) seen.push(args[i]); return reflectApply(f, t, args); };
    Object.defineProperty(Array.prototype, 'then', { get() { seen.push(this); return undefined; }, configurable: true });
    let text;
    try {
      await b.put('h', 'v', { customMetadata: { a: '1' } });
      text = await (await b.get('h')).text();
      await b.head('h');
      await b.list({ include: ['customMetadata'] });
      await (await b.fetch('/h')).text();
      await b.delete(['h']);
    } finally {
      Array.prototype[Symbol.iterator] = iter;
      Function.prototype.apply = apply;
      Reflect.apply = reflectApply;
      delete Array.prototype.then;
    }
    r.text = text;
    // Left out: the streams implementation's own pending reads ({resolve, reject} of a read the
    // worker itself awaits), which its for-of loops show to a replaced iterator; they hold no handle.
    const pendingRead = (x) => Object.getPrototypeOf(x) === Object.prototype
      && Object.keys(x).join() === 'resolve,reject' && typeof x.resolve === 'function';
    r.leakedObjects = seen.filter((x) => (typeof x === 'object' || typeof x === 'function') && x !== null
      && !ArrayBuffer.isView(x) && !(x instanceof ArrayBuffer) && !pendingRead(x)
      && !(Array.isArray(x) && x.every((e) => typeof e !== 'object' || e === null)))
      .map((x) => { try { return Object.prototype.toString.call(x) + ' ' + Object.keys(x).join(','); } catch (e) { return 'opaque ' + e; } });
    r.stringify = JSON.stringify(env);
    r.keys = Object.keys(b);
    r.ownNames = Reflect.ownKeys(b).map(String);
    r.string = String(b);
    r.protoNames = Object.getOwnPropertyNames(Object.getPrototypeOf(b)).sort();
    r.construct = await attempt(() => new b.constructor({}, 'x'));
    r.constructWithString = await attempt(() => new b.constructor(String(b), '/tmp'));
    r.otherThis = await attempt(() => b.get.call({}, 'h'));
    r.otherThisFetch = await attempt(() => b.fetch.call(Object.create(Object.getPrototypeOf(b)), '/h'));
    r.clone = await attempt(() => structuredClone(b));
    r.cloneObject = await attempt(async () => { await b.put('c', 'x'); return structuredClone(await b.head('c')); });
    r.rpc = await attempt(() => env.PEER.take(b));
    r.rpcInObject = await attempt(() => env.PEER.take({ b }));
    r.rpcObject = await attempt(async () => env.PEER.take(await b.head('c')));
    console.log('env is', env, 'bucket is', b);
    r.thrown = await attempt(() => b.get('k'.repeat(2000)));
    r.stack = await b.get('k'.repeat(2000)).catch((e) => String(e.stack));
    return r;
  },
  async leak(b, url) {
    // A get whose body is not read before its request ends is released then: reading it later fails.
    if (url.searchParams.get('step') === '1') {
      await b.put('big', new Uint8Array(1 << 20));
      kept = await b.get('big');
      return { bodyUsed: kept.bodyUsed };
    }
    return await attempt(async () => (await kept.arrayBuffer()).byteLength);
  },
  async tooMany(b) {
    const out = [];
    for (let i = 0; i < 1001; i++) out.push(b.head('x').then(() => 'ok', (e) => e.message));
    const all = await Promise.all(out);
    return { last: all[1000], okCount: all.filter((x) => x === 'ok').length };
  },
  async audit(b) {
    await b.put('a', 'hello');
    await (await b.get('a')).text();
    await b.head('a');
    await b.list({ prefix: 'a' });
    await (await b.fetch('/a')).text();
    await b.delete(['a', 'b']);
    return { done: true };
  },
  async ping() { return { pong: true }; },
};

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    const name = url.pathname.slice(1);
    const b = env[url.searchParams.get('b') || 'STORAGE'];
    // Streams both ways through the worker without reading them: PUT /stream/KEY, GET /stream/KEY.
    if (name.startsWith('stream/')) {
      const key = name.slice('stream/'.length);
      if (request.method === 'PUT') {
        const o = await b.put(key, request.body);
        return new Response(JSON.stringify({ size: o.size, etag: o.etag }));
      }
      const o = await b.get(key);
      return o === null ? new Response('no such object', { status: 404 }) : new Response(o.body, { headers: { etag: o.httpEtag } });
    }
    // The bucket's fetch, as a pass-through: /via/KEY with the client's method, headers and body.
    if (name.startsWith('via/')) {
      return b.fetch('/' + name.slice('via/'.length), { method: request.method, headers: request.headers,
        body: request.method === 'PUT' ? request.body : undefined });
    }
    if (name === 'get') {
      const t0 = Date.now();
      const r = await attempt(async () => { const o = await b.get(url.searchParams.get('k') || 'k'); return o === null ? null : o.text(); });
      return lines({ ...r, ms: Date.now() - t0 });
    }
    if (name === 'put') {
      return lines(await attempt(async () => (await b.put(url.searchParams.get('k'), url.searchParams.get('v'))).size));
    }
    if (name === 'count') return new Response(String(++count));
    if (name === 'keys') {
      return lines({ keys: (await b.list()).objects.map((o) => o.key) });
    }
    return lines(await scenarios[name](b, url, env));
  },
};
