package dev.capmesh.runner.js;

import dev.capmesh.crypto.Subtle;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.graalvm.polyglot.Engine;
import org.graalvm.polyglot.Source;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JavaScript runtime of one runner: the shared GraalJS {@link Engine} (one code cache for
 * every worker), the web-platform sources every context evaluates, a scheduler for timers, and
 * the watchdog that enforces CPU and memory limits by closing contexts. Create one per runner
 * and close it last. Thread-safe.
 */
public final class JsRuntime implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(JsRuntime.class);
  static final List<String> WEB_SOURCES =
      List.of("web-core.js", "web-url.js", "web-crypto.js", "web-streams.js", "web-form.js", "web-fetch.js", "web-kv.js",
          "web-r2.js");
  /**
   * Web sources that only serve some binding kinds, with the test for a worker's bindings: a
   * context whose worker has none of them does not evaluate the source (context creation is
   * the cost of every start and reload).
   */
  private static final Map<String, java.util.function.Predicate<EnvBinding>> BINDING_SOURCES = Map.of(
      "web-kv.js", b -> b instanceof EnvBinding.Kv || b instanceof EnvBinding.KvHttp,
      "web-r2.js", b -> b instanceof EnvBinding.Storage);
  private final Engine engine;
  private final List<Source> webSources;
  private final ScheduledThreadPoolExecutor scheduler;
  private final SecureRandom random = new SecureRandom();
  private final Subtle subtle = new Subtle(random);
  private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
  private final Set<WorkerContext> live = ConcurrentHashMap.newKeySet();
  private final MemoryGuard memory;

  private JsRuntime(Engine engine) {
    this.engine = engine;
    this.webSources = WEB_SOURCES.stream().map(JsRuntime::loadSource).toList();
    this.scheduler = new ScheduledThreadPoolExecutor(1, r -> {
      var t = new Thread(r, "capmesh-js-scheduler");
      t.setDaemon(true);
      return t;
    });
    // A cleared timer must leave the queue now, not when its delay would have expired: otherwise
    // a worker that sets and clears long timers fills the heap with cancelled tasks.
    scheduler.setRemoveOnCancelPolicy(true);
    scheduler.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    this.memory = new MemoryGuard(engine);
    scheduler.scheduleAtFixedRate(this::watch, 10, 10, TimeUnit.MILLISECONDS);
  }

  /** The names of the web platform's per-context setup functions, never compiled. */
  static final String SETUP_FUNCTION_PREFIX = "capmeshSetup_";

  /**
   * When the shared Engine is warmed up (see {@link #warmUp}), from the system property
   * {@code capmesh.js.warmUp}: {@code off} (default), {@code background} (at once, beside the
   * first workers' loads) or {@code after-start} (once the runner's first plan serves). Off since
   * the compiler is held in the first seconds (CompileGate): the warm-up can no longer start
   * compilations early, and on the 2-core benchmark machine runners without it served as many
   * requests in their first seconds and more after 30 s (docs/BENCHMARKS.md, issue 9).
   */
  static final String WARM_UP_MODE = System.getProperty("capmesh.js.warmUp", "off");

  /**
   * A runtime with a new Engine, which it owns and closes. In {@code background} warm-up mode it
   * starts warming the Engine up at once; in {@code after-start} mode {@link #planServes} does.
   * Nothing waits for the warm-up: sockets open and first requests are answered while it runs.
   */
  public static JsRuntime create() {
    return create(UnaryOperator.identity());
  }

  /** {@link #create()}, with more engine options (tests trace compilation through it). */
  static JsRuntime create(UnaryOperator<Engine.Builder> moreOptions) {
    // The process's first runtime holds the compiler for its first seconds (CompileGate).
    CompileGate.holdFirst(CompileGate.DEFAULT_HOLD);
    // Experimental engine options may be set through polyglot.engine.* system properties
    // (CAPMESH_JAVA_OPTS), for tuning measurements (bench/runner/flags.sh).
    var runtime = new JsRuntime(moreOptions.apply(Engine.newBuilder("js")
        .allowExperimentalOptions(true)
        .option("engine.WarnInterpreterOnly", "true")
        // The web platform's setup functions (web-*.js, named capmeshSetup_*) run once per
        // context, but their loops make them hot: compiled, web-core's alone took 1.4 s of the
        // compiler thread, which a 2-core runner needs for the code that serves requests (in
        // the first seconds, and after a --watch reload that makes new contexts).
        .option("engine.CompileOnly", "~" + SETUP_FUNCTION_PREFIX))
        .build());
    if (WARM_UP_MODE.equals("background")) {
      runtime.startWarmUp();
    }
    return runtime;
  }

  private final java.util.concurrent.atomic.AtomicBoolean warmUpStarted = new java.util.concurrent.atomic.AtomicBoolean();

  /** Told by the runner that a plan serves: starts the warm-up in {@code after-start} mode. */
  public void planServes() {
    // The compilers' low priority of the start ends when the first plan serves.
    CompilerPriority.restore();
    if (WARM_UP_MODE.equals("after-start")) {
      startWarmUp();
    }
  }

  /** Starts the warm-up on a daemon thread, once (later calls do nothing), whatever the mode. */
  void startWarmUp() {
    if (!warmUpStarted.compareAndSet(false, true)) {
      return;
    }
    Thread.ofPlatform().daemon().name("capmesh-js-warm-up").priority(Thread.MIN_PRIORITY)
        .start(this::warmUp);
  }

  /** Set once the warm-up request ran through without an error (tests wait for it). */
  final java.util.concurrent.CompletableFuture<Boolean> warmedUp = new java.util.concurrent.CompletableFuture<>();

  /**
   * Runs one request through a throwaway worker that touches the web APIs, twice, so that the
   * shared Engine has parsed them, compiled their regular expressions and queued the hot paths
   * for the compiler before real workers need them. Workers loaded meanwhile are not held up: each
   * context is independent, the Engine shares what this thread has finished with them.
   */
  private void warmUp() {
    var limits = new JsLimits(java.time.Duration.ofSeconds(30), 8, 1 << 20);
    // Two workers, so that service-binding fetch and JS RPC (structured clone both ways, a
    // thrown error crossing back) are warm too.
    JsWorker callee = null;
    JsWorker worker = null;
    try {
      callee = JsWorker.builder(this, "warm-up-rpc", WorkerCode.modules(WorkerModule.esModule("rpc.js", WARM_UP_RPC)))
          .limits(limits).poolSize(1).build();
      worker = JsWorker.builder(this, "warm-up", WorkerCode.modules(WorkerModule.esModule("main.js", WARM_UP)))
          .binding("RPC", new EnvBinding.Service(callee, "Check", "{\"tenant\": \"warm\"}"))
          .binding("SVC", EnvBinding.Service.of(callee))
          .limits(limits)
          .poolSize(1)
          .build();
      for (int round = 0; round < 2; round++) {
        var response = worker.fetch(new dev.capmesh.runner.service.ServiceRequest("POST",
            "http://warm.up/a/../b?x=1&y=%20#f", List.of(java.util.Map.entry("content-type", "text/plain")),
            dev.capmesh.runner.service.BodyStreams.of("warm".getBytes(StandardCharsets.UTF_8)), "warm-up"))
            .toCompletableFuture().get(60, TimeUnit.SECONDS);
        byte[] body = dev.capmesh.runner.service.BodyStreams.readAll(response.body(), 1 << 20)
            .get(60, TimeUnit.SECONDS);
        if (response.status() != 200) {
          log.warn("event=js-warm-up-failed status={} body={}", response.status(),
              new String(body, StandardCharsets.UTF_8));
          warmedUp.complete(false);
          return;
        }
      }
      warmedUp.complete(true);
    } catch (Exception e) {
      if (!scheduler.isShutdown()) {
        log.warn("event=js-warm-up-failed", e);
      }
      warmedUp.complete(false);
    } finally {
      if (worker != null) {
        worker.close();
      }
      if (callee != null) {
        callee.close();
      }
    }
  }

  private static final String WARM_UP = """
      export default { async fetch(request, env) {
        const url = new URL(request.url);
        const params = new URLSearchParams(url.search);
        params.append('k', 'v w'); params.sort(); String(params);
        new URL('../c?d#e', url).href;
        const h = new Headers(request.headers); h.append('X-A', 'b'); [...h];
        const text = await request.text();
        const bytes = new TextEncoder().encode(text + 'é');
        new TextDecoder().decode(bytes);
        btoa(atob('aGk='));
        structuredClone({ a: [1, new Date(), new Map([[1, 2]])] });
        const who = await env.RPC.verify('ok', { deep: { list: [1, 'two', null, undefined] } });
        try { await env.RPC.verify('no'); } catch (e) { String(e.message); }
        const echoed = await env.SVC.fetch('http://svc/echo', { method: 'PUT', body: 'hi' });
        await echoed.text();
        JSON.stringify({ t: who.tenant, at: who.at, o: who.options });
        await crypto.subtle.digest('SHA-256', bytes); crypto.randomUUID();
        const hk = await crypto.subtle.importKey('raw', bytes, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
        await crypto.subtle.sign('HMAC', hk, bytes);
        const t = new TransformStream();
        const w = t.writable.getWriter(); w.write(bytes); w.close();
        await new Response(t.readable).arrayBuffer();
        return Response.json({ ok: true, h: [...h] }, { headers: { 'X-B': '1' } });
      } };
      """;

  private static final String WARM_UP_RPC = """
      import { WorkerEntrypoint } from "cloudflare:workers";
      export class Check extends WorkerEntrypoint {
        async verify(token, options) {
          if (token !== 'ok') { throw new TypeError('bad token ' + token); }
          return { tenant: this.ctx.props.tenant, at: new Date(0), tags: new Set(['a']),
                   bytes: new Uint8Array([1, 2]), options, nested: [{ n: 1.5, big: 2n }] };
        }
      }
      export default { async fetch(request, env, ctx) {
        ctx.waitUntil(Promise.resolve());
        return new Response(request.body, { status: 201, headers: { 'x-r': request.method } });
      } };
      """;

  /** The GraalJS version the runner was built with, e.g. "25.0.3". */
  public String version() {
    try (InputStream in = JsRuntime.class.getResourceAsStream("versions.properties")) {
      var versions = new java.util.Properties();
      if (in != null) {
        versions.load(in);
      }
      return versions.getProperty("graaljs", engine.getVersion());
    } catch (IOException e) {
      return engine.getVersion();
    }
  }

  /** The Truffle runtime's name: "Interpreted" means no JIT (a build or flag problem). */
  public String implementationName() {
    return engine.getImplementationName();
  }

  Engine engine() {
    return engine;
  }

  /**
   * The first new context to set up the web platform does so alone; the others wait for it
   * (at most 30 s). On a fresh engine, every context that sets up at the same time parses and
   * first runs the same 195 KB of JavaScript itself, each on its own thread, all slowly while
   * HotSpot has not yet compiled the parser and the interpreter: with 50 workers, 51 contexts
   * did so side by side and became ready together, 6.6 s later. After one context has, the
   * engine's cache holds the parsed sources and a context sets up in tens of milliseconds.
   */
  final FirstAlone firstSetup = new FirstAlone(java.time.Duration.ofSeconds(30));

  /** The web sources a context of {@code worker} evaluates, in order. */
  List<Source> webSources(JsWorker worker) {
    var needed = new java.util.ArrayList<Source>(webSources.size());
    for (int i = 0; i < webSources.size(); i++) {
      var onlyFor = BINDING_SOURCES.get(WEB_SOURCES.get(i));
      if (onlyFor == null || worker.hasBinding(onlyFor)) {
        needed.add(webSources.get(i));
      }
    }
    return needed;
  }

  ScheduledExecutorService scheduler() {
    return scheduler;
  }

  /** Tasks waiting in the timer scheduler, the watchdog included (tests). */
  int scheduledTasks() {
    return scheduler.getQueue().size();
  }

  /**
   * Completes once the timer and watchdog thread has run a no-op task (a liveness probe: while
   * that thread is stuck, no CPU limit is enforced); fails if the runtime is closed.
   */
  public java.util.concurrent.CompletableFuture<Void> ping() {
    try {
      return java.util.concurrent.CompletableFuture.runAsync(() -> { }, scheduler);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      return java.util.concurrent.CompletableFuture.failedFuture(e);
    }
  }

  MemoryGuard memory() {
    return memory;
  }

  SecureRandom random() {
    return random;
  }

  Subtle subtle() {
    return subtle;
  }

  long threadCpuNanos(long threadId) {
    return threads.getThreadCpuTime(threadId);
  }

  /** The calling thread's CPU time (no lookup of the thread by its id). */
  long currentThreadCpuNanos() {
    return threads.getCurrentThreadCpuTime();
  }

  void register(WorkerContext context) {
    live.add(context);
  }

  void unregister(WorkerContext context) {
    live.remove(context);
  }

  private void watch() {
    try {
      for (WorkerContext c : live) {
        c.checkCpu();
      }
      memory.check(live);
    } catch (RuntimeException e) {
      log.warn("event=watchdog-failed", e);
    }
  }

  private final java.util.concurrent.atomic.AtomicLong lastCollection = new java.util.concurrent.atomic.AtomicLong();

  /**
   * After a context ran out of memory and was killed, collect promptly: until the next
   * old-generation collection the pools still report the dead context's garbage. At most once
   * every 500 ms, off the watchdog thread.
   */
  void collectSoon() {
    long now = System.nanoTime();
    long last = lastCollection.get();
    if (now - last > 500_000_000L && lastCollection.compareAndSet(last, now)) {
      Thread.ofPlatform().daemon().name("capmesh-gc").start(System::gc);
    }
  }

  private static Source loadSource(String name) {
    try (InputStream in = JsRuntime.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + name);
      }
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      return Source.newBuilder("js", text, "capmesh:" + name).cached(true).buildLiteral();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Stops timers and the watchdog, closes every live context and the Engine. */
  @Override public void close() {
    scheduler.shutdownNow();
    memory.close();
    for (WorkerContext c : live) {
      c.kill("shutdown");
    }
    engine.close(true);
  }
}
