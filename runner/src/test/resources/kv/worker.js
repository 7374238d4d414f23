// Test worker for KvBindingTest: each path runs one scenario and answers "name=JSON" lines.
const lines = (r) => new Response(Object.entries(r).map(([k, v]) => k + '=' + JSON.stringify(v)).join('\n') + '\n');
async function attempt(f) {
  try { return { ok: await f() }; } catch (e) { return { error: e && e.name, message: e && e.message }; }
}
const enc = new TextEncoder();

const scenarios = {
  async api(kv) {
    const r = {};
    await kv.put('text', 'héllo');
    r.text = await kv.get('text');
    r.textType = await kv.get('text', 'text');
    await kv.put('json', JSON.stringify({ a: [1, 2] }), { metadata: { m: 'x' } });
    r.json = await kv.get('json', { type: 'json', cacheTtl: 60 });
    const ab = await kv.get('text', 'arrayBuffer');
    r.arrayBuffer = [ab instanceof ArrayBuffer, ab.byteLength];
    r.stream = await new Response(await kv.get('text', { type: 'stream' })).text();
    r.missing = await kv.get('nope');
    r.withMeta = await kv.getWithMetadata('json', 'json');
    r.withMetaMissing = await kv.getWithMetadata('nope');
    await kv.put('buf', new Uint8Array([0, 1, 255]).buffer);
    r.buf = [...new Uint8Array(await kv.get('buf', 'arrayBuffer'))];
    await kv.put('view', new Uint8Array([9, 8, 7, 6]).subarray(1, 3));
    r.view = [...new Uint8Array(await kv.get('view', 'arrayBuffer'))];
    await kv.put('streamed', new ReadableStream({ start(c) { c.enqueue(enc.encode('ab')); c.enqueue(enc.encode('cd')); c.close(); } }));
    r.streamed = await kv.get('streamed');
    // A lone surrogate is stored as U+FFFD; malformed UTF-8 reads back as the WHATWG decoder
    // says (one U+FFFD per maximal subpart: three for an encoded surrogate).
    await kv.put('odd', 'a\uD800b');
    r.oddBytes = [...new Uint8Array(await kv.get('odd', 'arrayBuffer'))];
    await kv.put('bad', new Uint8Array([0xed, 0xa0, 0x80, 0x41]).buffer);
    r.badText = (await kv.get('bad')).split('').map((c) => c.charCodeAt(0));
    r.badJson = await attempt(() => kv.get('bad', 'json'));
    await kv.delete('odd');
    await kv.delete('bad');
    await kv.put('ttl', 'x', { expirationTtl: 120, metadata: { n: 1 } });
    r.list = await kv.list();
    r.listPrefix = await kv.list({ prefix: 'b' });
    const p1 = await kv.list({ limit: 2 });
    r.page1 = p1.keys.map((k) => k.name).concat([p1.list_complete, typeof p1.cursor]);
    const p2 = await kv.list({ limit: 10, cursor: p1.cursor });
    r.page2 = p2.keys.map((k) => k.name).concat([p2.list_complete, 'cursor' in p2]);
    r.bulk = Object.fromEntries(await kv.get(['text', 'nope']));
    r.bulkMeta = Object.fromEntries(await kv.getWithMetadata(['json'], 'json'));
    await kv.delete('text');
    r.deleted = await kv.get('text');
    return r;
  },
  async limits(kv, url) {
    const r = {};
    r.key513 = await attempt(() => kv.put('k'.repeat(513), 'x'));
    r.key512 = await attempt(() => kv.put('k'.repeat(512), 'x'));
    r.dot = await attempt(() => kv.get('.'));
    r.dotdot = await attempt(() => kv.delete('..'));
    r.empty = await attempt(() => kv.get(''));
    r.value = await attempt(() => kv.put('v', new Uint8Array(25 * 1024 * 1024 + 1)));
    if (url.searchParams.get('big') !== '0') {
      r.valueMax = await attempt(async () => { await kv.put('v', new Uint8Array(25 * 1024 * 1024)); return (await kv.get('v', 'arrayBuffer')).byteLength; });
    }
    r.valueStream = await attempt(() => kv.put('v', new ReadableStream({
      pull(c) { c.enqueue(new Uint8Array(1 << 20)); } })));
    r.metadata = await attempt(() => kv.put('m', 'x', { metadata: 'm'.repeat(1023) }));
    r.metadataMax = await attempt(() => kv.put('m', 'x', { metadata: 'm'.repeat(1022) }));
    r.ttl = await attempt(() => kv.put('t', 'x', { expirationTtl: 59 }));
    r.expiration = await attempt(() => kv.put('t', 'x', { expiration: Math.floor(Date.now() / 1000) + 10 }));
    r.cacheTtl = await attempt(() => kv.get('t', { cacheTtl: 30 }));
    r.listLimit = await attempt(() => kv.list({ limit: 1001 }));
    r.listLimitZero = await attempt(() => kv.list({ limit: 0 }));
    r.cursor = await attempt(() => kv.list({ cursor: 'forged' }));
    r.type = await attempt(() => kv.get('t', 'blob'));
    r.valueType = await attempt(() => kv.put('t', { not: 'a value' }));
    return r;
  },
  async ttl(kv, url) {
    const op = url.searchParams.get('op');
    if (op === 'put') { await kv.put('short', 'lived', { expirationTtl: 60 }); return { done: true }; }
    return { value: await kv.get('short'), keys: (await kv.list()).keys.map((k) => k.name) };
  },
  async ttlBulk(kv) {
    return { value: Object.fromEntries(await kv.get(['short', 'other'])) };
  },
  async bulkOne(kv, url) {
    return attempt(async () => (await kv.get([url.searchParams.get('k')])).get(url.searchParams.get('k')));
  },
  async hostile(kv, url, env) {
    const r = {};
    // Anything iterated or applied while the binding works is recorded: a host handle must not pass.
    const seen = [];
    const iter = Array.prototype[Symbol.iterator];
    const apply = Function.prototype.apply;
    const reflectApply = Reflect.apply;
    Array.prototype[Symbol.iterator] = function () { for (let i = 0; i < this.length; i++) seen.push(this[i]); return iter.call(this); };
    Function.prototype.apply = function (t, args) { if (args) for (let i = 0; i < args.length; i++) seen.push(args[i]); return reflectApply(this, t, args); };
    Reflect.apply = function (f, t, args) { if (args) for (let i = 0; i < args.length; i++) seen.push(args[i]); return reflectApply(f, t, args); };
    try {
      await kv.put('h', 'v', { metadata: { a: 1 } });
      await kv.get('h');
      await kv.getWithMetadata('h');
      await kv.list();
      await kv.delete('h');
    } finally {
      Array.prototype[Symbol.iterator] = iter;
      Function.prototype.apply = apply;
      Reflect.apply = reflectApply;
    }
    r.leakedObjects = seen.filter((x) => (typeof x === 'object' || typeof x === 'function') && x !== null
      && !Array.isArray(x) && !(x instanceof ArrayBuffer) && !ArrayBuffer.isView(x)
      && !(Object.getPrototypeOf(x) === Object.prototype && JSON.stringify(x) === '{"a":1}')) // the metadata
      .map((x) => { try { return Object.prototype.toString.call(x) + ' ' + typeof x + ' ' + Object.keys(x).join(',') + ' ' + String(x).slice(0, 40); } catch (e) { return 'opaque ' + e; } });
    r.stringify = JSON.stringify(env);
    r.keys = Object.keys(kv);
    r.ownNames = Reflect.ownKeys(kv).map(String);
    r.string = String(kv);
    r.protoNames = Object.getOwnPropertyNames(Object.getPrototypeOf(kv)).sort();
    r.construct = await attempt(() => new kv.constructor({}, 'x'));
    r.constructWithString = await attempt(() => new kv.constructor(String(kv), 'redis://127.0.0.1:6379'));
    r.otherThis = await attempt(() => kv.get.call({ handle: 'x' }, 'h'));
    r.clone = await attempt(() => structuredClone(kv));
    r.rpc = await attempt(() => env.PEER.take(kv));
    r.rpcInObject = await attempt(() => env.PEER.take({ kv }));
    console.log('env is', env, 'kv is', kv);
    r.thrown = await attempt(() => kv.get('k'.repeat(600)));
    return r;
  },
  async bulk(kv) {
    const r = {};
    const keys = [];
    for (let i = 0; i < 100; i++) keys.push('b' + i);
    await Promise.all(keys.map((k, i) => kv.put(k, i % 2 ? JSON.stringify({ i }) : 'v' + i, i % 3 ? {} : { metadata: { i } })));
    await kv.put('bad', new Uint8Array([0xed, 0xa0, 0x80, 0x41]).buffer);
    const all = await kv.get(keys);
    r.size = all.size;
    r.inOrder = [...all.keys()].join() === keys.join();
    r.some = [all.get('b0'), all.get('b1'), all.get('b98'), all.get('b99')];
    const json = await kv.get(['b1', 'b3', 'nope'], 'json');
    r.json = Object.fromEntries(json);
    r.withMeta = Object.fromEntries(await kv.getWithMetadata(['b0', 'b1', 'b3', 'nope'], { type: 'text' }));
    r.duplicates = Object.fromEntries(await kv.get(['b0', 'b0', 2]));
    r.badText = [...(await kv.get(['bad'])).get('bad')].map((c) => c.charCodeAt(0));
    r.badJson = await attempt(() => kv.get(['bad'], 'json'));
    r.tooMany = await attempt(() => kv.get(keys.concat(['b100'])));
    r.none = await attempt(() => kv.get([]));
    r.dot = await attempt(() => kv.get(['b0', '.']));
    r.longKey = await attempt(() => kv.get(['b0', 'k'.repeat(513)]));
    r.cacheTtl = await attempt(() => kv.get(['b0'], { cacheTtl: 30 }));
    r.arrayBuffer = await attempt(() => kv.get(['b0'], 'arrayBuffer'));
    return r;
  },
  async bulkLimit(kv) {
    // Each key of a bulk get counts as one operation: ten of 100 keys are the most a request may make.
    const keys = [];
    for (let i = 0; i < 100; i++) keys.push('b' + i);
    const r = {};
    for (let i = 0; i < 9; i++) await kv.get(keys);
    r.tenth = await attempt(async () => (await kv.get(keys)).size);
    r.overLimit = await attempt(() => kv.get(['b0']));
    return r;
  },
  async ping() { return { pong: true }; },
};

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    const name = url.pathname.slice(1);
    const kv = env[url.searchParams.get('b') || 'KV'];
    if (name === 'get') {
      const t0 = Date.now();
      const r = await attempt(() => kv.get(url.searchParams.get('k') || 'k'));
      return lines({ ...r, ms: Date.now() - t0 });
    }
    if (name === 'put') {
      return lines(await attempt(() => kv.put(url.searchParams.get('k'), url.searchParams.get('v'))));
    }
    return lines(await scenarios[name](kv, url, env));
  },
};
