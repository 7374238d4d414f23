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
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
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
  private static final List<String> WEB_SOURCES =
      List.of("web-core.js", "web-url.js", "web-crypto.js", "web-streams.js", "web-fetch.js", "web-kv.js",
          "web-r2.js");
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

  /**
   * A runtime with a new Engine, which it owns and closes. Before returning it runs one request
   * through a throwaway worker that touches the web APIs, so the shared Engine has parsed them
   * and compiled their regular expressions: otherwise the first request of the first context
   * pays that cost against its CPU limit.
   */
  public static JsRuntime create() {
    var runtime = new JsRuntime(Engine.newBuilder("js")
        .option("engine.WarnInterpreterOnly", "true")
        .build());
    runtime.warmUp();
    return runtime;
  }

  /** Whether the warm-up request ran through without an error (tests check it). */
  volatile boolean warmedUp;

  private void warmUp() {
    var limits = new JsLimits(java.time.Duration.ofSeconds(30), 8, 1 << 20);
    // Two workers, so that service-binding fetch and JS RPC (structured clone both ways, a
    // thrown error crossing back) are warm too.
    var callee = JsWorker.builder(this, "warm-up-rpc", WorkerCode.modules(WorkerModule.esModule("rpc.js", WARM_UP_RPC)))
        .limits(limits).poolSize(1).build();
    var worker = JsWorker.builder(this, "warm-up", WorkerCode.modules(WorkerModule.esModule("main.js", WARM_UP)))
        .binding("RPC", new EnvBinding.Service(callee, "Check", "{\"tenant\": \"warm\"}"))
        .binding("SVC", EnvBinding.Service.of(callee))
        .limits(limits)
        .poolSize(1)
        .build();
    try {
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
          return;
        }
      }
      warmedUp = true;
    } catch (Exception e) {
      log.warn("event=js-warm-up-failed", e);
    } finally {
      worker.close();
      callee.close();
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

  List<Source> webSources() {
    return webSources;
  }

  ScheduledExecutorService scheduler() {
    return scheduler;
  }

  /** Tasks waiting in the timer scheduler, the watchdog included (tests). */
  int scheduledTasks() {
    return scheduler.getQueue().size();
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
