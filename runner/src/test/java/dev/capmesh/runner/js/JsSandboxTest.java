package dev.capmesh.runner.js;

import static dev.capmesh.runner.js.JsTesting.get;
import static org.assertj.core.api.Assertions.assertThat;

import dev.capmesh.runner.service.BodyStreams;
import dev.capmesh.runner.service.RequestBudget;
import dev.capmesh.runner.service.ServiceRequest;
import dev.capmesh.runner.service.ServiceResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Worker code against the runtime's own boundaries: the JS RPC clone codec between two workers
 * (in both directions), and the runtime internals a worker must not reach by any name.
 */
class JsSandboxTest {
  static final String SECRET = "sk-victim-0123456789";
  static JsRuntime runtime;
  JsWorker victim;

  /** A worker holding a secret, serving RPC: take() describes what arrived; probe() reports injected state. */
  static final String VICTIM = """
      import { WorkerEntrypoint } from 'cloudflare:workers';
      function describe(x) {
        if (x === null || typeof x !== 'object') return typeof x + ':' + String(x);
        const proto = Object.getPrototypeOf(x);
        const kind = proto === Object.prototype ? 'Object' : proto === Array.prototype ? 'Array'
          : proto === Uint8Array.prototype ? 'Uint8Array' : proto === Map.prototype ? 'Map'
          : proto === Promise.prototype ? 'Promise' : 'other';
        const getters = Reflect.ownKeys(x).filter((k) => { const d = Object.getOwnPropertyDescriptor(x, k); return d.get || d.set; });
        return kind + ' keys=' + JSON.stringify(Reflect.ownKeys(x).map(String)) + ' getters=' + getters.length
          + ' polluted=' + String(x.polluted) + (kind === 'Map' ? ' entries=' + JSON.stringify([...x]) : '');
      }
      export default class extends WorkerEntrypoint {
        take(...args) { return args.map(describe).join(' | '); }
        probe() { return globalThis.__pwned === undefined ? 'clean' : 'PWNED: ' + globalThis.__pwned; }
        async callBack() {
          // The victim as a caller: it asks the other side for a value and uses what it gets.
          const v = await this.env.OTHER.give();
          await v;
          return this.probe();
        }
        fetch() { return new Response('victim'); }
      }
      """;

  /** Builds, in the attacker's own context, a real Uint8Array dressed up as another type. */
  static final String FAKES = """
      function fake(name, buffer, byteOffset, length) {
        const u = new Uint8Array(1);
        for (const [k, value] of Object.entries({ constructor: { name }, buffer, byteOffset, length })) {
          Object.defineProperty(u, k, { value });
        }
        return u;
      }
      // A "Promise" whose executor is a Function built from a string, as the issue describes.
      const payload = (where) => fake('Promise',
        fake('Function', 'resolve', 'reject', `globalThis.__pwned = '${where}'; resolve(1);`), 0, 0);
      """;

  @BeforeAll static void start() {
    runtime = JsTesting.warmRuntime();
  }

  @AfterAll static void stop() {
    runtime.close();
  }

  @BeforeEach void buildVictim() {
    victim = JsWorker.builder(runtime, "victim", WorkerCode.modules(WorkerModule.esModule("main.js", VICTIM)))
        .binding("KEY", new EnvBinding.Secret(SECRET)).poolSize(1).build();
  }

  @AfterEach void closeVictim() {
    victim.close();
  }

  private static JsWorker worker(String name, String source, Map<String, EnvBinding> bindings) {
    var b = JsWorker.builder(runtime, name, WorkerCode.modules(WorkerModule.esModule("main.js", source))).poolSize(1);
    bindings.forEach(b::binding);
    return b.build();
  }

  private JsWorker.RpcOutcome rpc(String method, String wireArgs) throws Exception {
    return victim.callRpc(null, null, method, wireArgs, JsTesting.nextId(), RequestBudget.root()).get(30, TimeUnit.SECONDS);
  }

  private String probe() throws Exception {
    JsWorker.RpcOutcome out = rpc("probe", "[\"a\",0,0,[]]");
    assertThat(out.ok()).isTrue();
    return out.payload();
  }

  @Test void anArgumentCannotMakeTheCalleeRunCode() throws Exception {
    JsWorker attacker = worker("attacker", FAKES + """
        export default { async fetch(req, env) {
          let result;
          try { result = await env.VICTIM.take(payload('callee')); }
          catch (e) { result = e.name + ': ' + e.message; }
          return new Response(String(result));
        } };
        """, Map.of("VICTIM", EnvBinding.Service.of(victim)));
    try {
      String seen = get(attacker, "http://x/").text();
      assertThat(probe()).isEqualTo("[\"p\",\"clean\"]");
      // What arrives is plain data of a closed type (here the real Uint8Array), never a Promise.
      assertThat(seen).doesNotContain("Promise").contains("Uint8Array");
    } finally {
      attacker.close();
    }
  }

  @Test void aReturnValueCannotMakeTheCallerRunCode() throws Exception {
    JsWorker attacker = worker("attacker", FAKES + """
        import { WorkerEntrypoint } from 'cloudflare:workers';
        export default class extends WorkerEntrypoint {
          give() { return payload('caller'); }
          fetch() { return new Response('attacker'); }
        }
        """, Map.of());
    JsWorker caller = worker("caller", VICTIM, Map.of("OTHER", EnvBinding.Service.of(attacker)));
    try {
      JsWorker.RpcOutcome out = caller.callRpc(null, null, "callBack", "[\"a\",0,0,[]]", JsTesting.nextId(), RequestBudget.root())
          .get(30, TimeUnit.SECONDS);
      assertThat(out.payload()).isEqualTo("[\"p\",\"clean\"]");
    } finally {
      caller.close();
      attacker.close();
    }
  }

  @Test void aThrownValueCannotMakeTheCallerRunCode() throws Exception {
    JsWorker attacker = worker("attacker", FAKES + """
        import { WorkerEntrypoint } from 'cloudflare:workers';
        export default class extends WorkerEntrypoint {
          give() { throw payload('caller via throw'); }
          fetch() { return new Response('attacker'); }
        }
        """, Map.of());
    JsWorker caller = worker("caller", VICTIM.replace("const v = await this.env.OTHER.give();",
        "let v; try { v = await this.env.OTHER.give(); } catch (e) { v = e; }"),
        Map.of("OTHER", EnvBinding.Service.of(attacker)));
    try {
      JsWorker.RpcOutcome out = caller.callRpc(null, null, "callBack", "[\"a\",0,0,[]]", JsTesting.nextId(), RequestBudget.root())
          .get(30, TimeUnit.SECONDS);
      assertThat(out.payload()).isEqualTo("[\"p\",\"clean\"]");
    } finally {
      caller.close();
      attacker.close();
    }
  }

  /** Wire data written by hand: what a sender with a subverted encoder could send. */
  @Test void forgedWireDataDecodesToPlainDataOrIsRefused() throws Exception {
    // A Promise whose executor is new Function(...): the decoder must not construct either.
    JsWorker.RpcOutcome promise = rpc("take", "[\"a\",0,1,[[\"0\",[\"v\",2,\"Promise\",[\"v\",1,\"Function\","
        + "[\"p\",\"resolve\"],\"reject\",\"globalThis.__pwned = 'wire'; resolve(1);\"],0,0]]]]");
    assertThat(promise.ok()).isFalse();
    assertThat(promise.payload()).contains("DataCloneError");
    // A typed array whose "buffer" is not an ArrayBuffer, and unknown view kinds.
    for (String bad : List.of("[\"v\",1,\"Uint8Array\",[\"p\",\"x\"],0,1]", "[\"v\",1,\"Response\",[\"ab\",2,\"a\"],0,1]",
        "[\"v\",1,\"constructor\",[\"ab\",2,\"a\"],0,1]", "[\"v\",1,\"__proto__\",[\"ab\",2,\"a\"],0,1]",
        "[\"e\",1,\"Function\",\"return 1\",null]", "[\"w\",1,\"symbol\",\"x\"]", "[\"x\",1,\"a\",\"gz\"]",
        "[\"b\",\"1n; globalThis.__pwned = 1\"]", "[\"p\",{\"then\":1}]", "[\"r\",7]", "[\"zz\",1]", "{\"length\":3}",
        "[\"a\",1,1,[[\"length\",[\"p\",9]]]]")) {
      JsWorker.RpcOutcome out = rpc("take", "[\"a\",0,1,[[\"0\"," + bad + "]]]");
      assertThat(out.ok()).as(bad).isFalse();
      assertThat(out.payload()).as(bad).contains("DataCloneError");
    }
    JsWorker.RpcOutcome notArgs = rpc("take", "[\"o\",0,[[\"length\",[\"p\",100000000]]]]");
    assertThat(notArgs.ok()).isFalse();
    // __proto__ arrives as an own data property; the prototype stays Object.prototype.
    JsWorker.RpcOutcome proto = rpc("take", "[\"a\",0,1,[[\"0\",[\"o\",1,[[\"__proto__\",[\"o\",2,"
        + "[[\"polluted\",[\"p\",true]]]]]]]]]]");
    assertThat(proto.ok()).isTrue();
    assertThat(proto.payload()).contains("Object keys=[\\\"__proto__\\\"] getters=0 polluted=undefined");
    assertThat(probe()).isEqualTo("[\"p\",\"clean\"]");
  }

  @Test void replacedIntrinsicsInTheSenderDoNotChangeWhatArrives() throws Exception {
    JsWorker attacker = worker("attacker", """
        export default { async fetch(req, env) {
          const out = [];
          const saved = { keys: Object.keys, isArray: Array.isArray, entries: Map.prototype.entries,
            iterator: Map.prototype[Symbol.iterator], stringify: JSON.stringify };
          // The sender's own intrinsics, replaced: the codec must not be steered by them.
          Object.keys = () => ['evil'];
          Array.isArray = () => false;
          Map.prototype.entries = function* () { yield ['evil', 1]; };
          Map.prototype[Symbol.iterator] = Map.prototype.entries;
          Object.defineProperty(Object.getPrototypeOf(Uint8Array.prototype), 'buffer', { get() { return 'evil'; } });
          out.push(await env.VICTIM.take({ a: 1 }, [1, 2], new Map([['k', 2]]), new Uint8Array([5])));
          // The codec captured JSON.stringify before worker code ran: replacing it forges nothing.
          JSON.stringify = () => '["a",0,1,[["0",["v",2,"Promise",["v",1,"Function",["p","a"],"b","globalThis.__pwned = 1"],0,0]]]]';
          try { out.push(await env.VICTIM.take(1)); } catch (e) { out.push(e.name); }
          Object.keys = saved.keys; Array.isArray = saved.isArray; JSON.stringify = saved.stringify;
          Map.prototype.entries = saved.entries; Map.prototype[Symbol.iterator] = saved.iterator;
          return new Response(out.join('\\n'));
        } };
        """, Map.of("VICTIM", EnvBinding.Service.of(victim)));
    try {
      String seen = get(attacker, "http://x/").text();
      assertThat(seen).isEqualTo("Object keys=[\"a\"] getters=0 polluted=undefined | Array keys=[\"0\",\"1\",\"length\"] "
          + "getters=0 polluted=undefined | Map keys=[] getters=0 polluted=undefined entries=[[\"k\",2]] | Uint8Array "
          + "keys=[\"0\"] getters=0 polluted=undefined\nnumber:1");
      assertThat(probe()).isEqualTo("[\"p\",\"clean\"]");
    } finally {
      attacker.close();
    }
  }

  @Test void gettersAndProxiesArriveAsPlainData() throws Exception {
    JsWorker attacker = worker("attacker", """
        export default { async fetch(req, env) {
          let calls = 0;
          const withGetter = { get a() { calls++; return 'from getter'; } };
          const proxy = new Proxy({ b: 1 }, { get(t, k) { calls++; return k === 'b' ? 'trap' : undefined; } });
          const r = await env.VICTIM.take(withGetter, proxy);
          return new Response(r + ' traps ran in the sender: ' + (calls > 0));
        } };
        """, Map.of("VICTIM", EnvBinding.Service.of(victim)));
    try {
      // The sender's getters and traps run in the sender (its own code); what arrives has none.
      assertThat(get(attacker, "http://x/").text()).isEqualTo("Object keys=[\"a\"] getters=0 polluted=undefined"
          + " | Object keys=[\"b\"] getters=0 polluted=undefined traps ran in the sender: true");
    } finally {
      attacker.close();
    }
  }

  /**
   * Every property, own or inherited, string or symbol, of every global the runtime installs,
   * of what they hand out, and of instances of them: nothing internal has a name.
   */
  @Test void noRuntimeInternalIsReachableByAnyName() throws Exception {
    var upstream = new JsTesting.Recorder(r -> ServiceResponse.text(200, "up"));
    JsWorker w = worker("walker", """
        const WELL_KNOWN = new Set(Object.getOwnPropertyNames(Symbol).map((k) => Symbol[k]).filter((s) => typeof s === 'symbol'));
        export default { async fetch(request, env, ctx) {
          const found = [];
          const seen = new Set();
          const STOP = new Set([Object.prototype, Function.prototype]);
          function walk(label, v, depth) {
            if (v === null || (typeof v !== 'object' && typeof v !== 'function') || seen.has(v) || depth > 4) return;
            seen.add(v);
            for (let o = v, level = 0; o !== null && !STOP.has(o); o = Object.getPrototypeOf(o), level++) {
              for (const k of Reflect.ownKeys(o)) {
                const name = label + (level ? '<' + level + '>' : '') + '.' + String(k);
                if (typeof k === 'symbol' && !WELL_KNOWN.has(k) && Symbol.keyFor(k) !== 'capmesh.cloudflare:workers') found.push(name);
                if (typeof k === 'string' && k.startsWith('_')) found.push(name);
                const d = Object.getOwnPropertyDescriptor(o, k);
                if ('value' in d) walk(name, d.value, depth + 1);
              }
            }
          }
          const url = new URL('http://a.example/?x=1');
          const stream = new ReadableStream({ start(c) { walk('controller', c, 0); } });
          const writable = new WritableStream({ start(c) { walk('wcontroller', c, 0); } });
          const ts = new TransformStream();
          const ac = new AbortController();
          const fetched = await env.UP.fetch('http://up.example/');
          const aesKey = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 128 }, false, ['encrypt']);
          const edPair = await crypto.subtle.generateKey('Ed25519', true, ['sign', 'verify']);
          const instances = {
            globalThis, env, ctx, request, url, params: url.searchParams, ownParams: new URLSearchParams('a=1'),
            headers: new Headers({ a: '1' }), requestHeaders: request.headers, req: new Request('http://a/', { method: 'POST', body: 'x' }),
            res: new Response('x'), json: Response.json({}), redirect: Response.redirect('http://a/'), error: Response.error(),
            fetched, fetchedClone: fetched.clone(), fetchedHeaders: fetched.headers, fetcher: env.UP,
            stream, reader: new ReadableStream().getReader(), writable, writer: new WritableStream().getWriter(), ts,
            ac, signal: ac.signal, aborted: AbortSignal.abort(), any: AbortSignal.any([ac.signal]), event: new Event('x'),
            target: new EventTarget(), enc: new TextEncoder(), dec: new TextDecoder(), exc: new DOMException('m', 'DataCloneError'),
            crypto, subtle: crypto.subtle, console, aesKey, edPair, edPrivate: edPair.privateKey,
          };
          for (const [k, v] of Object.entries(instances)) walk(k, v, 0);
          return Response.json(found);
        } };
        """, Map.of("UP", EnvBinding.Service.of(upstream)));
    try {
      assertThat(get(w, "http://x/").text()).isEqualTo("[]");
    } finally {
      w.close();
    }
  }

  /**
   * The engine's own globals for shells and Java interop are not there: workerd has none of
   * them, and each is a way towards the host a worker has no business probing.
   */
  @Test void noShellOrJavaInteropGlobals() throws Exception {
    JsWorker w = worker("prober", """
        const NAMES = ['Java', 'Packages', 'java', 'javax', 'javafx', 'com', 'org', 'edu', 'net', 'arguments',
          'Polyglot', 'Graal', 'print', 'printErr', 'load', 'loadWithNewGlobal', 'quit', 'exit', 'read', 'readline',
          'readbuffer', 'Debug', 'Realm', 'Truffle', 'Interop'];
        export default { async fetch() {
          const present = NAMES.filter((n) => n in globalThis || Object.getOwnPropertyNames(globalThis).includes(n));
          let lookedUp = 'none';
          try { lookedUp = String(globalThis['Java'] && Java.type('java.lang.System')); } catch (e) { lookedUp = 'threw'; }
          return Response.json({ present, lookedUp });
        } };
        """, Map.of());
    try {
      assertThat(get(w, "http://x/").text()).isEqualTo("{\"present\":[],\"lookedUp\":\"undefined\"}");
    } finally {
      w.close();
    }
  }

  @Test void theIssuesExploitsOfInternalsFail() throws Exception {
    var result = JsTesting.eval(runtime, """
        const out = {};
        try { new Response('x', { status: 101, _internal: true }); out.status101 = 'made'; } catch (e) { out.status101 = e.name; }
        try { new Response(null, { status: 100, _internal: true }); out.status100 = 'made'; } catch (e) { out.status100 = e.name; }
        const forged = new Response('real', { _internal: true, _url: 'https://bank.example/', _redirected: true,
          _stream: new ReadableStream({ start(c) { c.enqueue(new TextEncoder().encode('forged')); c.close(); } }) });
        out.url = forged.url; out.redirected = forged.redirected; out.body = await forged.text();
        const u = new URL('http://a/?x=1');
        out.owner = typeof u.searchParams._owner; out.replace = typeof u.searchParams._replace;
        const h = new Headers();
        out.flat = typeof h._flat; out.guard = typeof h._setGuard;
        const r = new Request('http://a/');
        out.body1 = typeof r._initBody; out.body2 = typeof r._transferBody; out.body3 = typeof r._replayableBytes;
        out.body4 = typeof r._markUsedForClone; out.abort = typeof new AbortController().signal._abort;
        out.state = typeof new ReadableStream()._state;
        // A Proxy as init sees every key the constructor reads; whatever it learns must not help.
        const keys = [];
        const spy = new Proxy({}, { get(t, k) { keys.push(k); return undefined; }, has(t, k) { keys.push(k); return false; } });
        new Request('http://a/', spy);
        const forgedInit = { method: 'GET\\r\\nX-Injected: 1' };
        for (const k of keys) if (typeof k === 'symbol') forgedInit[k] = true;
        try { new Request('http://user:pw@a/', forgedInit); out.credentials = 'accepted'; } catch (e) { out.credentials = e.name; }
        try { new Request('http://a/', forgedInit); out.method = 'accepted'; } catch (e) { out.method = e.name; }
        out.symbolsSeen = keys.filter((k) => typeof k === 'symbol').length;
        return Response.json(out);
        """);
    assertThat(result.text()).isEqualTo("{\"status101\":\"RangeError\",\"status100\":\"RangeError\",\"url\":\"\","
        + "\"redirected\":false,\"body\":\"real\",\"owner\":\"undefined\",\"replace\":\"undefined\",\"flat\":\"undefined\","
        + "\"guard\":\"undefined\",\"body1\":\"undefined\",\"body2\":\"undefined\",\"body3\":\"undefined\","
        + "\"body4\":\"undefined\",\"abort\":\"undefined\",\"state\":\"undefined\",\"credentials\":\"TypeError\","
        + "\"method\":\"TypeError\",\"symbolsSeen\":0}");
  }

  /** A 1xx from upstream, or from a subclass's getters, is never sent as a handler's final response. */
  @Test void aHandlerCannotAnswerWithAnInformationalStatus() throws Exception {
    var upstream = new JsTesting.Recorder(r -> new ServiceResponse(101, "Switching Protocols",
        List.of(Map.entry("upgrade", "websocket")), BodyStreams.empty()));
    JsWorker w = worker("relay", """
        class Sneaky extends Response {
          get status() { return 101; }
          get statusText() { return 'OK\\r\\nx-injected: 1'; }
        }
        export default { async fetch(request, env) {
          const path = new URL(request.url).pathname;
          if (path === '/relay') return env.UP.fetch('http://up.example/');
          if (path === '/error') return Response.error();
          return new Sneaky('body');
        } };
        """, Map.of("UP", EnvBinding.Service.of(upstream)));
    try {
      assertThat(get(w, "http://x/relay").status()).isEqualTo(500);
      assertThat(get(w, "http://x/error").status()).isEqualTo(500);
      ServiceResponse sneaky = w.fetch(new ServiceRequest("GET", "http://x/sneaky", List.of(), BodyStreams.empty(),
          JsTesting.nextId(), RequestBudget.root())).toCompletableFuture().get(30, TimeUnit.SECONDS);
      assertThat(sneaky.status()).isEqualTo(200);
      assertThat(sneaky.statusText()).isEmpty();
      assertThat(new String(BodyStreams.readAll(sneaky.body(), 1024).get(30, TimeUnit.SECONDS),
          StandardCharsets.UTF_8)).isEqualTo("body");
    } finally {
      w.close();
    }
  }
  /** As in workerd: no code from strings while handling a request, by any of the routes to it. */
  @Test void codeGenerationFromStringsIsRefused() throws Exception {
    var result = JsTesting.eval(runtime, """
        const routes = {
          eval: () => eval('1 + 1'),
          indirectEval: () => (0, eval)('1 + 1'),
          Function: () => new Function('return 1')(),
          FunctionCall: () => Function('return 1')(),
          viaConstructor: () => (() => {}).constructor('return 1')(),
          async: () => (async function () {}).constructor('return 1'),
          generator: () => (function* () {}).constructor('yield 1'),
          asyncGenerator: () => (async function* () {}).constructor('yield 1'),
          reflect: () => Reflect.construct(Function, ['return 1']),
          inherited: () => Object.getPrototypeOf((async () => {}).constructor)('return 1'),
        };
        const out = {};
        for (const [k, f] of Object.entries(routes)) {
          try { f(); out[k] = 'ran'; } catch (e) { out[k] = e.name + ': ' + e.message; }
        }
        return Response.json(out);
        """);
    String refused = "EvalError: Code generation from strings disallowed for this context";
    assertThat(result.text()).isEqualTo("{\"eval\":\"" + refused + "\",\"indirectEval\":\"" + refused
        + "\",\"Function\":\"" + refused + "\",\"FunctionCall\":\"" + refused + "\",\"viaConstructor\":\""
        + refused + "\",\"async\":\"" + refused + "\",\"generator\":\"" + refused + "\",\"asyncGenerator\":\""
        + refused + "\",\"reflect\":\"" + refused + "\",\"inherited\":\"" + refused + "\"}");
  }
  @Test void replacedIterationCannotSmuggleUncheckedHeaders() throws Exception {
    JsWorker w = worker("smuggler", """
        export default { async fetch() {
          const res = new Response('body', { headers: { 'x-ok': '1' } });
          const evil = function* () { yield ['x-evil', ['a\\r\\nset-cookie: stolen=1']]; yield ['bad name', ['x']]; };
          Map.prototype[Symbol.iterator] = evil;
          Map.prototype.entries = evil;
          return res;
        } };
        """, Map.of());
    try {
      var r = get(w, "http://x/");
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.headers()).extracting(Map.Entry::getKey).contains("x-ok").doesNotContain("x-evil", "bad name");
      assertThat(r.text()).isEqualTo("body");
    } finally {
      w.close();
    }
  }
  @Test void aRequestSubclassCannotHandTheHostAnUncheckedMethodOrUrl() throws Exception {
    var upstream = new JsTesting.Recorder(r -> ServiceResponse.text(200, "up"));
    JsWorker w = worker("subclass", """
        class Sneaky extends Request {
          get method() { return 'GET http://other.example/ HTTP/1.1\\r\\nx-smuggled: 1\\r\\n\\r\\nGET'; }
          get url() { return 'http://user:pw@other.example/'; }
          get headers() { return { evil: 1 }; }
        }
        export default { async fetch(request, env) {
          const r = await env.UP.fetch(new Sneaky('http://up.example/path', { method: 'POST', body: 'b' }));
          return new Response(await r.text());
        } };
        """, Map.of("UP", EnvBinding.Service.of(upstream)));
    try {
      assertThat(get(w, "http://x/").text()).isEqualTo("up");
      assertThat(upstream.requests).hasSize(1);
      assertThat(upstream.requests.get(0).method()).isEqualTo("POST");
      assertThat(upstream.requests.get(0).url()).isEqualTo("http://up.example/path");
    } finally {
      w.close();
    }
  }

  /**
   * Request's getters redefined by the worker (on the prototype every Request shares) change
   * nothing the host is handed: it reads a request's own fields.
   */
  @Test void redefinedRequestGettersCannotHandTheHostAnUncheckedMethodOrUrl() throws Exception {
    var upstream = new JsTesting.Recorder(r -> ServiceResponse.text(200, "up"));
    JsWorker w = worker("prototype", """
        for (const [name, value] of [
            ['method', 'GET http://other.example/ HTTP/1.1\\r\\nx-smuggled: 1\\r\\n\\r\\nGET'],
            ['url', 'http://user:pw@other.example/'],
            ['headers', { evil: 1 }],
            ['redirect', 'manual']]) {
          Object.defineProperty(Request.prototype, name, { get() { return value; }, configurable: true });
        }
        export default { async fetch(request, env) {
          const sent = new Request('http://up.example/path', { method: 'POST', body: 'b' });
          const r = await env.UP.fetch(sent);
          const again = await env.UP.fetch('http://up.example/other', { method: 'PUT', body: 'c' });
          return new Response(await r.text() + ' ' + await again.text());
        } };
        """, Map.of("UP", EnvBinding.Service.of(upstream)));
    try {
      assertThat(get(w, "http://x/").text()).isEqualTo("up up");
      assertThat(upstream.requests).hasSize(2);
      assertThat(upstream.requests.get(0).method()).isEqualTo("POST");
      assertThat(upstream.requests.get(0).url()).isEqualTo("http://up.example/path");
      assertThat(upstream.requests.get(1).method()).isEqualTo("PUT");
      assertThat(upstream.requests.get(1).url()).isEqualTo("http://up.example/other");
      assertThat(upstream.requests.get(0).headers()).extracting(Map.Entry::getKey).doesNotContain("evil");
    } finally {
      w.close();
    }
  }
}
