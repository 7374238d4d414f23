package dev.capmesh.runner.js;

import dev.capmesh.runner.observe.WorkerLimit;
import dev.capmesh.runner.service.BodyStream;
import dev.capmesh.runner.service.BodyStreams;
import dev.capmesh.runner.service.LogText;
import dev.capmesh.runner.service.RequestBudget;
import dev.capmesh.runner.service.ServiceRequest;
import dev.capmesh.runner.service.ServiceResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import com.google.errorprone.annotations.concurrent.GuardedBy;
import com.oracle.truffle.api.TruffleContext;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.EnvironmentAccess;
import org.graalvm.polyglot.HostAccess;
import org.graalvm.polyglot.PolyglotAccess;
import org.graalvm.polyglot.PolyglotException;
import org.graalvm.polyglot.Source;
import org.graalvm.polyglot.Value;
import org.graalvm.polyglot.io.IOAccess;
import org.graalvm.polyglot.proxy.ProxyExecutable;
import org.graalvm.polyglot.proxy.ProxyObject;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One polyglot Context of a worker and the single thread that runs it.
 *
 * <p>Threading: every use of the Context happens in a task on its {@link EventLoop}, a
 * single-thread executor owned by this object. Java-side completions (a body chunk arrived, a
 * subrequest answered, a timer fired) never touch the Context directly: they post a task with
 * {@link #execute}. The task queue is the context's event loop; GraalJS drains the promise job
 * queue at the end of each task. Each task runs on behalf of one {@link RequestState}, which is
 * charged the thread CPU time the task used; the runtime's watchdog calls {@link #checkCpu} and
 * closes the Context when the running request is over budget.
 */
final class WorkerContext implements EventLoop.Host {
  private static final Logger log = LoggerFactory.getLogger(WorkerContext.class);

  private static final String OCTET = "(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])";
  /**
   * URLs the WHATWG parser returns unchanged, as web-fetch.js's CANONICAL_URL and NOT_CANONICAL
   * describe them (the same expressions): an incoming request's URL found here is kept by the
   * runtime without testing it again. Matched whole; ASCII only.
   */
  static final Pattern CANONICAL_URL = Pattern.compile(
      "https?://(?:[a-z][a-z0-9-]*(?:\\.[a-z][a-z0-9-]*)*|" + OCTET + "\\." + OCTET + "\\." + OCTET + "\\." + OCTET + ")"
      + "(?::(?:[1-9][0-9]{3}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5]))?"
      + "/[A-Za-z0-9\\-._~!$&'()*+,;=:@%/]*(?:\\?[A-Za-z0-9\\-._~!$&()*+,;=:@%/?]*)?");
  private static final Pattern NOT_CANONICAL =
      Pattern.compile("/\\.|%2e|xn--", Pattern.CASE_INSENSITIVE);

  /** Whether the runtime may keep {@code url} as an incoming request's URL without parsing it. */
  static boolean isCanonicalUrl(String url) {
    return CANONICAL_URL.matcher(url).matches() && !NOT_CANONICAL.matcher(url).find();
  }
  final JsWorker worker;
  private final JsRuntime runtime;
  private final EventLoop loop;
  private final Set<RequestState> inflight = ConcurrentHashMap.newKeySet();
  private final Timers timers;
  final CompletableFuture<Void> ready = new CompletableFuture<>();
  private volatile boolean dead;
  private volatile String deathReason = "";
  /** The reason requests that find the context dead are given ("load-failed" during a load). */
  private volatile String toldReason = "";
  /** Written by the context thread once, read by whoever kills the context. */
  @GuardedBy("this") private @Nullable Context context;
  private volatile @Nullable TruffleContext truffleContext;
  /** Confined to the context thread. */
  private @Nullable Value api;
  /** When the load may start (System.nanoTime): the worker's reload backoff. */
  private final long loadNotBefore;

  WorkerContext(JsWorker worker, JsRuntime runtime, long loadDelayNanos) {
    this.worker = worker;
    this.runtime = runtime;
    this.loadNotBefore = System.nanoTime() + loadDelayNanos;
    var loading = new RequestState("load", RequestBudget.root(), worker.loadBudget().loadCpuLimitNanos(), 1,
        (r, c) -> {}, () -> {});
    var background = new RequestState("background", RequestBudget.root(),
        worker.limits().cpuPerRequest().toNanos(), 1, (r, c) -> {}, () -> {});
    this.loop = new EventLoop("capmesh-js-" + worker.name(), runtime, loading, background, this,
        worker.meter());
    this.timers = new Timers(runtime.scheduler(), loop::execute);
    runtime.register(this);
    execute(loading, this::loadCode);
  }

  int load() {
    return inflight.size();
  }

  @Override public boolean isDead() {
    return dead;
  }

  @Override public String toldReason() {
    return toldReason;
  }

  // ---------------------------------------------------------------- event loop

  void execute(@Nullable RequestState state, Runnable task) {
    loop.execute(state, task);
  }

  /**
   * Posts the completion of an operation {@code st} had outstanding (see
   * {@link RequestState#opened}); {@code st} null means the operation was started outside any
   * request.
   */
  void resume(@Nullable RequestState st, Runnable task) {
    execute(st, () -> {
      if (st != null) {
        st.closed();
      }
      task.run();
    });
  }

  /**
   * Completions of one request's operations that share one posted task while they keep
   * arriving: 64 KV answers read in one go from Redis cost the context one task switch (and one
   * pair of CPU-clock reads), not 64. For operations whose completions need no order relative to
   * the request's other tasks (KV answers are independent promises).
   */
  static final class Batch {
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean posted = new AtomicBoolean();
  }

  /**
   * As {@link #resume}, through {@code batch}: the task joins a drain already posted for it, or
   * posts one.
   */
  void resumeBatched(RequestState st, Batch batch, Runnable task) {
    batch.tasks.add(task);
    if (batch.posted.compareAndSet(false, true)) {
      execute(st, () -> drain(st, batch));
    }
  }

  private void drain(RequestState st, Batch batch) {
    // Cleared before polling: a task added from now on posts its own drain (at worst an empty one).
    batch.posted.set(false);
    boolean finished = false;
    try {
      for (Runnable task; (task = batch.tasks.poll()) != null; ) {
        st.closed();
        task.run();
      }
      finished = true;
    } finally {
      // A task threw (the loop reports it): the rest run in a task of their own.
      if (!finished && !batch.tasks.isEmpty() && batch.posted.compareAndSet(false, true)) {
        execute(st, () -> drain(st, batch));
      }
    }
  }

  /** Tasks that may run in a row, after something was left for the flush, before it runs. */
  static final int MAX_TASKS_BEFORE_FLUSH = 64;
  /** How long what was left for the flush may wait for it (unless one task runs longer). */
  static final long MAX_NANOS_BEFORE_FLUSH = 1_000_000;

  /** Context thread only: what the tasks left for the next flush (see {@link #atFlush}). */
  private final java.util.ArrayList<Runnable> flushActions = new java.util.ArrayList<>();
  /** Context thread only: tasks run since the first of {@link #flushActions} was added, and when. */
  private int tasksSinceHeld;
  private long heldSince;

  /**
   * Runs {@code action} on this thread at the next flush: once no task is queued, or after
   * {@value #MAX_TASKS_BEFORE_FLUSH} tasks or {@value #MAX_NANOS_BEFORE_FLUSH} ns since the first
   * action was left, whichever comes first (checked after every task). Context thread only.
   */
  void atFlush(Runnable action) {
    if (flushActions.isEmpty()) {
      tasksSinceHeld = 0;
      heldSince = System.nanoTime();
    }
    flushActions.add(action);
  }

  @Override public boolean flushDue(boolean idle) {
    return !flushActions.isEmpty() && (idle || ++tasksSinceHeld >= MAX_TASKS_BEFORE_FLUSH
        || System.nanoTime() - heldSince >= MAX_NANOS_BEFORE_FLUSH);
  }

  @Override public void flush() {
    for (int i = 0; i < flushActions.size(); i++) {
      try {
        flushActions.get(i).run();
      } catch (RuntimeException e) {
        log.error("event=flush-failed worker={}", worker.name(), e);
      }
    }
    flushActions.clear();
  }

  /** A task of {@code st} threw: out of memory stops the context; the rest is logged. */
  @Override public void taskFailed(RequestState st, Throwable error) {
    if (error instanceof PolyglotException e) {
      if (!dead && e.isResourceExhausted()) {
        // Out of heap (or stack) inside JavaScript: the context cannot be trusted any more.
        // Kill it so its requests get a 503 instead of waiting forever; the pool replaces it.
        log.warn("event=worker-limit-exceeded worker={} requestId={} limit=memory error={}",
            worker.name(), st.requestId, worker.forLog(String.valueOf(e.getMessage())));
        kill("memory");
        runtime.collectSoon();
      } else if (!dead && !e.isCancelled()) {
        log.error("event=js-task-failed worker={} requestId={} error={}", worker.name(),
            st.requestId, worker.forLog(String.valueOf(e.getMessage())));
      }
    } else if (error instanceof IllegalStateException e) {
      if (!dead) {
        log.error("event=js-task-failed worker={} requestId={}", worker.name(), st.requestId, e);
      }
    } else if (!dead) {
      log.warn("event=worker-limit-exceeded worker={} requestId={} limit=memory error={}",
          worker.name(), st.requestId, error.toString());
      kill("memory");
      runtime.collectSoon();
    }
  }

  /** {@code st}'s handler is waiting on a promise that nothing left can settle: answer for it. */
  @Override public void neverAnswers(RequestState st) {
    log.warn("event=worker-never-answers worker={} requestId={} detail=\"the handler's promise is "
        + "pending and no I/O or timer of this request is left to settle it\"", worker.name(), st.requestId);
    worker.meter().limitHit(WorkerLimit.HUNG);
    st.responded = true;
    st.kill("hung", true);
    finished(st);
  }

  /** Called by the watchdog thread. */
  void checkCpu() {
    if (!dead && loop.overCpuLimit()) {
      kill("cpu");
    }
  }

  void killIfRunning(String reason) {
    if (loop.current() != null) {
      kill(reason);
    }
  }

  /** Closes the Context, cancelling what runs in it, and fails every request it was serving. */
  void kill(String reason) {
    RequestState culprit;
    Context c;
    boolean duringLoad;
    synchronized (this) {
      if (dead) {
        return;
      }
      culprit = loop.current();
      c = context;
      duringLoad = culprit == loop.loading;
      deathReason = reason;
      // Requests waiting for a load that was stopped learn why the worker cannot run.
      toldReason = duringLoad && !reason.equals("shutdown") ? "load-failed" : reason;
      dead = true;
    }
    truffleContext = null;
    countLimit(reason, duringLoad);
    runtime.unregister(this);
    worker.contextDied(this, reason, duringLoad ? loadError(reason) : null);
    timers.cancelAll();
    if (c != null) {
      try {
        c.close(true);
      } catch (RuntimeException e) {
        log.debug("event=context-close-failed worker={}", worker.name(), e);
      }
    }
    synchronized (this) {
      context = null; // what the closed context held must not stay reachable through us
    }
    loop.shutdown();
    if (loop.isRequest(culprit) && !reason.equals("shutdown")) {
      log.warn("event=worker-limit-exceeded worker={} requestId={} limit={}", worker.name(),
          culprit.requestId, reason);
    }
    for (RequestState st : List.copyOf(inflight)) {
      st.kill(toldReason, st == culprit);
    }
    inflight.clear();
    ready.completeExceptionally(new JsLoadException(
        "worker \"" + worker.name() + "\": " + loadStoppedMessage(reason)));
  }

  /** Counts a kill that enforced a limit (CPU or memory; shutdowns and load failures are not). */
  private void countLimit(String reason, boolean duringLoad) {
    switch (reason) {
      case "cpu" -> worker.meter().limitHit(duringLoad ? WorkerLimit.LOAD_CPU : WorkerLimit.CPU);
      case "memory" -> worker.meter().limitHit(WorkerLimit.MEMORY);
      default -> { }
    }
  }

  // ---------------------------------------------------------------- loading

  /** The first task: waits out the worker's reload backoff, then loads the code and charges it. */
  private void loadCode() {
    LoadBudget.awaitTurn(loadNotBefore, this::isDead);
    if (dead) {
      return;
    }
    worker.loadBudget().loadStarted();
    long start = loop.threadCpuNanos();
    init();
    if (ready.isDone() && !ready.isCompletedExceptionally()) {
      worker.loadBudget().loadFinished(loop.threadCpuNanos() - start);
    }
  }

  /**
   * Makes the new Context visible to {@link #kill}, or closes it when a kill came first (the
   * kill could not see it). Returns whether loading should go on.
   */
  private boolean publish(Context ctx) {
    boolean published;
    synchronized (this) {
      published = !dead;
      if (published) {
        context = ctx;
      }
    }
    if (!published) {
      ctx.close(true);
      return false;
    }
    HeapMeter.Meter meter = runtime.memory().meter();
    truffleContext = meter == null ? null : meter.truffleView(ctx);
    return true;
  }

  /** The Truffle view of this context, for measuring the heap it retains; null before loading. */
  @Nullable TruffleContext truffleContext() {
    return dead ? null : truffleContext;
  }

  private void init() {
    try {
      var builder = Context.newBuilder("js").engine(runtime.engine())
          .allowHostAccess(HostAccess.NONE)
          .allowCreateThread(false)
          .allowNativeAccess(false)
          .allowCreateProcess(false)
          .allowPolyglotAccess(PolyglotAccess.NONE)
          .allowEnvironmentAccess(EnvironmentAccess.NONE)
          .allowExperimentalOptions(true)
          .option("js.print", "false")
          .option("js.load", "false")
          .option("js.graal-builtin", "false")
          // No globals workerd does not have: the shell's `arguments`, and Nashorn's Java
          // package objects (`java`, `Packages`, ...); with no host class lookup there is no
          // `Java` either.
          .option("js.global-arguments", "false")
          .option("js.java-package-globals", "false")
          // workerd refuses code generation from strings; so does capmesh unless the worker's
          // compatibility flags ask otherwise (JsWorker.ALLOW_EVAL_FLAG).
          .option("js.allow-eval", String.valueOf(worker.allowEval()));
      WorkerCode code = worker.code();
      if (code instanceof WorkerCode.Modules m) {
        builder.allowIO(IOAccess.newBuilder().fileSystem(new ModuleFileSystem(m.modules())).build());
      } else {
        builder.allowIO(IOAccess.NONE);
      }
      // On a fresh engine, the first context to get here sets up the web platform alone; the
      // others wait, then find its sources parsed (see JsRuntime.firstSetup).
      boolean first = runtime.firstSetup.enter();
      Context ctx;
      Value internal;
      ProxyObject hooks;
      try {
        if (dead) {
          return;
        }
        ctx = builder.build();
        if (!publish(ctx)) {
          return;
        }
        internal = ctx.eval("js", "({})");
        hooks = new HostHooks(this, runtime).asProxy();
        for (Source s : runtime.webSources(worker)) {
          ctx.eval(s).execute(hooks, internal);
        }
      } finally {
        if (first) {
          runtime.firstSetup.leave();
        }
      }
      Value jsApi = internal.getMember("api");
      api = jsApi;
      jsApi.invokeMember("init", worker.bindingTable(), worker.outboundHandle(),
          ProxyObject.fromMap(Map.of("maxBodyBytes", worker.limits().maxBodyBytes(),
              "allowEval", worker.allowEval())));
      switch (code) {
        case WorkerCode.Modules m -> loadModules(ctx, jsApi, m.modules().get(0).name());
        case WorkerCode.ServiceWorkerScript s -> {
          jsApi.invokeMember("exposeEnvAsGlobals");
          ctx.eval(Source.newBuilder("js", s.source(), s.name()).buildLiteral());
        }
      }
      ready.complete(null);
    } catch (PolyglotException e) {
      fail(e.isCancelled() && dead ? loadStoppedMessage(deathReason) : describe(e));
    } catch (JsLoadException e) {
      fail(e.getMessage());
    } catch (RuntimeException e) {
      fail(e.toString());
    }
  }

  private void loadModules(Context ctx, Value jsApi, String mainName) {
    if (worker.code() instanceof WorkerCode.Modules m) {
      CommonJs.install(ctx, m.modules());
    }
    var error = new String[1];
    var loaded = new boolean[1];
    Value promise = ctx.eval("js", "import(" + ModuleFileSystem.jsString("/" + mainName) + ")");
    promise.invokeMember("then", (ProxyExecutable) args -> {
      jsApi.invokeMember("setMain", args[0]);
      loaded[0] = true;
      return null;
    }, (ProxyExecutable) args -> {
      error[0] = describe(args[0]);
      return null;
    });
    if (error[0] != null) {
      throw new JsLoadException(error[0]);
    }
    if (!loaded[0]) {
      throw new JsLoadException("module " + mainName + " did not finish loading (top-level await "
          + "on something that never settles at load time?)");
    }
  }

  /** Why the load stopped: the error it failed with, or the limit that stopped it. */
  private String loadError(String reason) {
    if (ready.isCompletedExceptionally()) {
      try {
        ready.getNow(null);
      } catch (java.util.concurrent.CompletionException e) {
        String m = String.valueOf(e.getCause().getMessage());
        String prefix = "worker \"" + worker.name() + "\": ";
        return m.startsWith(prefix) ? m.substring(prefix.length()) : m;
      }
    }
    return loadStoppedMessage(reason);
  }

  /** Why loading stopped when the context was closed under it. */
  private String loadStoppedMessage(String reason) {
    long loadCpuLimitNanos = worker.loadBudget().loadCpuLimitNanos();
    return switch (reason) {
      case "cpu" -> "its top-level code used more than the " + LoadBudget.seconds(loadCpuLimitNanos)
          + " s of CPU time allowed for loading (an endless loop when the module is evaluated?)";
      case "memory" -> "the runner ran low on memory while loading it";
      case "shutdown" -> "the runner is shutting down";
      default -> "loading was stopped (" + reason + ")";
    };
  }

  private void fail(String message) {
    var e = new JsLoadException("worker \"" + worker.name() + "\": " + worker.redact(message));
    ready.completeExceptionally(e);
    kill("load-failed");
  }

  private static String describe(PolyglotException e) {
    var where = e.getSourceLocation();
    String msg = String.valueOf(e.getMessage());
    if (where != null && !msg.contains(where.getSource().getName() + ":")) {
      msg = where.getSource().getName() + ":" + where.getStartLine() + ": " + msg;
    }
    return msg;
  }

  private static String describe(Value error) {
    if (error.hasMembers() && error.hasMember("message")) {
      String name = error.hasMember("name") ? str(error.getMember("name")) : "Error";
      return name + ": " + str(error.getMember("message"));
    }
    return str(error);
  }

  /** A JS value as text (Value.toString of a guest string may not give its characters). */
  static String str(Value v) {
    return v.isString() ? v.asString() : v.toString();
  }

  // ---------------------------------------------------------------- requests

  void startFetch(RequestState st, ServiceRequest request, @Nullable String entrypoint,
      @Nullable String propsJson, CompletableFuture<ServiceResponse> response) {
    inflight.add(st);
    execute(st, () -> {
      HostHeaders checked = HostHeaders.check(request.headers());
      Object body = request.body().knownLength() == 0 ? null : new Handles.Body(request.body());
      ProxyExecutable respond = args -> {
        int status = args[0].asInt();
        String statusText = args[1].asString();
        // The JS side refuses these first; this keeps a 1xx or a CR/LF off the wire regardless.
        if (status < 200 || status > 599 || statusText.chars().anyMatch(c -> c < 0x20 && c != '\t' || c == 0x7f)) {
          throw new IllegalArgumentException("status: " + status + " (expected: 200 to 599, reason without control characters)");
        }
        List<Map.Entry<String, String>> out = HostHeaders.entriesOf(args[2]);
        st.responded = true;
        BodyStream bodyStream = bodyFromJs(st, args[3]);
        response.complete(new ServiceResponse(status, statusText, out,
            Handles.notifying(bodyStream, st::partDone)));
        return null;
      };
      ProxyExecutable fail = args -> {
        st.responded = true;
        String kind = args[0].asString();
        String message = args[1].asString();
        if (kind.equals("type")) {
          // The runtime's message names only the kind of the wrong value, never the value.
          log.error("event=worker-bad-response worker={} requestId={} error={}", worker.name(),
              st.requestId, worker.forLog(message));
          response.complete(ServiceResponse.text(500, "Internal Server Error: "
              + LogText.escape(worker.redact(message)) + " (request id " + st.requestId + ")\n"));
        } else {
          log.error("event=worker-exception worker={} requestId={} error={} stack={}", worker.name(),
              st.requestId, worker.forLog(message), worker.forLog(args[2].asString()));
          response.complete(ServiceResponse.text(500, "Internal Server Error: the worker threw an "
              + "exception (request id " + st.requestId + ")\n"));
        }
        st.partDone();
        return null;
      };
      ProxyExecutable idle = args -> {
        st.partDone();
        return null;
      };
      api().invokeMember("handleFetch", request.method(), request.url(), isCanonicalUrl(request.url()),
          checked != null ? checked : HostHeaders.unchecked(request.headers()), checked != null,
          body, propsJson, entrypoint, respond, fail, idle);
    });
  }

  void startRpc(RequestState st, @Nullable String entrypoint, @Nullable String propsJson,
      String method, String argsJson, CompletableFuture<JsWorker.RpcOutcome> outcome) {
    inflight.add(st);
    execute(st, () -> {
      ProxyExecutable resolve = args -> {
        st.responded = true;
        outcome.complete(new JsWorker.RpcOutcome(true, args[0].asString()));
        st.partDone();
        return null;
      };
      ProxyExecutable reject = args -> {
        st.responded = true;
        outcome.complete(new JsWorker.RpcOutcome(false, worker.redact(args[0].asString())));
        st.partDone();
        return null;
      };
      api().invokeMember("handleRpc", entrypoint, propsJson, method, argsJson, resolve, reject);
    });
  }

  /** {@code st} is over (answered, body sent, waitUntil settled): its pending timers end too. */
  void finished(RequestState st) {
    inflight.remove(st);
    timers.endOf(st);
    st.endUses();
    st.runAtEnd();
  }

  private Value api() {
    Value a = api;
    if (a == null) {
      throw new IllegalStateException("context not initialised");
    }
    return a;
  }

  /**
   * The Java view of a body the JS side hands over: null; a string or bytes (a body made from
   * them whose stream nobody touched: no stream, no pulls); an untouched host body; or a pull
   * source.
   */
  BodyStream bodyFromJs(RequestState st, Value source) {
    if (source.isNull()) {
      return BodyStreams.empty();
    }
    if (source.isString()) {
      return BodyStreams.of(Utf8.encode(source.asString()));
    }
    if (source.hasBufferElements()) {
      byte[] bytes = new byte[(int) source.getBufferSize()];
      source.readBuffer(0, bytes, 0, bytes.length);
      return BodyStreams.of(bytes);
    }
    Value handle = source.getMember("handle");
    if (handle != null && !handle.isNull()) {
      Handles.Body b = Handles.body(handle);
      if (b == null) {
        throw new IllegalArgumentException("not a body handle");
      }
      return b.stream;
    }
    Value pull = source.getMember("pull");
    Value cancel = source.getMember("cancel");
    if (pull == null || !pull.canExecute() || cancel == null || !cancel.canExecute()) {
      throw new IllegalArgumentException("not a body: " + source.getMetaQualifiedName());
    }
    return new BodyStream() {
      @Override public CompletionStage<@Nullable ByteBuffer> read() {
        var f = st.track(new CompletableFuture<@Nullable ByteBuffer>());
        execute(st, () -> pull.execute((ProxyExecutable) args -> {
          Value chunk = args[0];
          if (chunk.isNull()) {
            f.complete(null);
          } else if (!chunk.hasBufferElements()) {
            f.completeExceptionally(new IllegalStateException("a body chunk is not an ArrayBuffer"));
          } else {
            byte[] bytes = new byte[(int) chunk.getBufferSize()];
            chunk.readBuffer(0, bytes, 0, bytes.length);
            f.complete(ByteBuffer.wrap(bytes));
          }
          return null;
        }, (ProxyExecutable) args -> {
          String error = worker.redact(str(args[0]));
          log.warn("event=worker-body-stream-failed worker={} requestId={} error={}", worker.name(),
              st.requestId, LogText.escape(error));
          f.completeExceptionally(new IllegalStateException(error));
          return null;
        }));
        return f;
      }

      @Override public void cancel() {
        execute(st, () -> cancel.execute());
      }
    };
  }

  // ---------------------------------------------------------------- timers (context thread)

  int setTimer(long delayMs, boolean repeat, Value callback) {
    RequestState st = loop.current();
    return timers.set(loop.isRequest(st) ? st : null, delayMs, repeat, callback);
  }

  void clearTimer(int id) {
    timers.clear(id);
  }

  @Nullable RequestState current() {
    return loop.current();
  }

  static String latin1(byte[] bytes) {
    return new String(bytes, StandardCharsets.ISO_8859_1);
  }
}
