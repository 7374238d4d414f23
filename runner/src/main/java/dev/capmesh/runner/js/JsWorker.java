package dev.capmesh.runner.js;

import static java.util.Objects.requireNonNull;

import dev.capmesh.runner.observe.BindingListener;
import dev.capmesh.runner.observe.WorkerMeter;
import dev.capmesh.runner.service.HttpService;
import dev.capmesh.runner.service.RequestBudget;
import dev.capmesh.runner.service.ServiceRequest;
import dev.capmesh.runner.service.ServiceResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.graalvm.polyglot.proxy.ProxyArray;
import org.jspecify.annotations.Nullable;

/**
 * A JavaScript worker served from a pool of GraalJS contexts: an {@link HttpService} that runs
 * the worker's {@code fetch} handler. Each context serves several requests concurrently on its
 * own thread (like one isolate's event loop); a new request goes to the least busy context, and
 * a new context is started while every existing one is busy and the pool is not full. A context
 * that exceeds a limit is closed and replaced on demand, after the backoff its {@link LoadBudget}
 * sets: loading the code is charged to the worker, so a worker that keeps being stopped cannot
 * make the runner reload it over and over. Thread-safe.
 */
public final class JsWorker implements HttpService {

  /**
   * The compatibility flag that lets a worker generate code from strings ({@code eval},
   * {@code new Function}) at any time; without it both throw an EvalError.
   */
  public static final String ALLOW_EVAL_FLAG = "capmesh_allow_eval";

  /** The result of a JS RPC call: a clone-encoded value, or a clone-encoded error. */
  record RpcOutcome(boolean ok, String payload) {}

  /** The CPU time one load of a worker's code may use unless the builder sets another. */
  public static final Duration DEFAULT_LOAD_CPU_LIMIT = Duration.ofSeconds(10);

  private final JsRuntime runtime;
  private final String name;
  private final WorkerCode code;
  private final Map<String, EnvBinding> bindings;
  private final @Nullable HttpService outbound;
  private final JsLimits limits;
  /** Requests and RPC calls started so far; stops counting at the cold-start count. */
  private final AtomicInteger started = new AtomicInteger();
  private final int poolSize;
  private final Redactor redactor;
  private final boolean allowEval;
  private final List<WorkerContext> contexts = new CopyOnWriteArrayList<>();
  private final LoadBudget loadBudget;
  private final WorkerMeter meter;
  private final BindingUses uses;

  private JsWorker(Builder b) {
    this.runtime = b.runtime;
    this.name = b.name;
    this.code = b.code;
    this.bindings = Map.copyOf(b.bindings);
    this.outbound = b.outbound;
    this.limits = b.limits;
    this.poolSize = b.poolSize;
    this.allowEval = b.compatibilityFlags.contains(ALLOW_EVAL_FLAG);
    this.loadBudget = new LoadBudget(b.name, b.loadCpuLimit.toNanos(), b.clock);
    this.meter = b.meter;
    this.redactor = new Redactor(b.bindings.values().stream()
        .filter(v -> v instanceof EnvBinding.Secret)
        .map(v -> ((EnvBinding.Secret) v).value()).toList());
    this.uses = new BindingUses(b.bindingListener, b.name, this.bindings, redactor::redact);
  }

  /** Starts building a worker named {@code name} running {@code code} on {@code runtime}. */
  public static Builder builder(JsRuntime runtime, String name, WorkerCode code) {
    return new Builder(runtime, name, code);
  }

  /** Options of a {@link JsWorker}. Not thread-safe. */
  public static final class Builder {
    private final JsRuntime runtime;
    private final String name;
    private final WorkerCode code;
    private final Map<String, EnvBinding> bindings = new LinkedHashMap<>();
    private @Nullable HttpService outbound;
    private JsLimits limits = JsLimits.defaults();
    private int poolSize = 2;
    private List<String> compatibilityFlags = List.of();
    private Duration loadCpuLimit = DEFAULT_LOAD_CPU_LIMIT;
    private java.util.function.LongSupplier clock = System::nanoTime;
    private WorkerMeter meter = WorkerMeter.NONE;
    private BindingListener bindingListener = BindingListener.NONE;

    private Builder(JsRuntime runtime, String name, WorkerCode code) {
      this.runtime = requireNonNull(runtime, "runtime");
      this.name = requireNonNull(name, "name");
      this.code = requireNonNull(code, "code");
    }

    /** Adds {@code env[name]}. */
    public Builder binding(String name, EnvBinding binding) {
      bindings.put(requireNonNull(name, "name"), requireNonNull(binding, "binding"));
      return this;
    }

    /** The service global {@code fetch()} sends through; without one, fetch() rejects. */
    public Builder globalOutbound(@Nullable HttpService outbound) {
      this.outbound = outbound;
      return this;
    }

    /** Limits; {@link JsLimits#defaults()} if not set. */
    public Builder limits(JsLimits limits) {
      this.limits = requireNonNull(limits, "limits");
      return this;
    }

    /**
     * The worker's compatibility flags (the config's {@code compatibilityFlags}); of these the
     * runtime reads {@value JsWorker#ALLOW_EVAL_FLAG}. None if not set.
     */
    public Builder compatibilityFlags(List<String> flags) {
      this.compatibilityFlags = List.copyOf(requireNonNull(flags, "flags"));
      return this;
    }

    /** The most contexts (threads) this worker uses; 2 if not set. */
    public Builder poolSize(int poolSize) {
      if (poolSize < 1) {
        throw new IllegalArgumentException("poolSize: " + poolSize + " (expected: >= 1)");
      }
      this.poolSize = poolSize;
      return this;
    }

    /**
     * The CPU time one load of the code (evaluating its modules' top-level code) may use;
     * {@link #DEFAULT_LOAD_CPU_LIMIT} if not set. Over it, the load fails, and a worker that was
     * already running is marked failed until its reload backoff is over.
     */
    public Builder loadCpuLimit(Duration limit) {
      requireNonNull(limit, "limit");
      if (limit.isNegative() || limit.isZero()) {
        throw new IllegalArgumentException("loadCpuLimit: " + limit + " (expected: > 0)");
      }
      this.loadCpuLimit = limit;
      return this;
    }

    /** Where the worker's CPU time and the limits it hits are counted; nowhere if not set. */
    public Builder meter(WorkerMeter meter) {
      this.meter = requireNonNull(meter, "meter");
      return this;
    }

    /**
     * Told of every use of a binding (and every refused fetch) this worker makes, and asked
     * before each whether uses are refused now; {@link BindingListener#NONE} if not set.
     */
    public Builder bindingListener(BindingListener listener) {
      this.bindingListener = requireNonNull(listener, "listener");
      return this;
    }

    /** The clock (nanoseconds) reload backoffs are measured with; tests pass a fake one. */
    Builder clock(java.util.function.LongSupplier nanoClock) {
      this.clock = requireNonNull(nanoClock, "nanoClock");
      return this;
    }

    /**
     * Loads the code in a first context and returns the worker.
     *
     * @throws JsLoadException if the code does not load (syntax error, missing module, ...)
     */
    public JsWorker build() {
      JsWorker worker = start();
      worker.awaitLoaded();
      return worker;
    }

    /**
     * Starts loading the code in a first context, on that context's own thread, and returns the
     * worker at once: several workers load side by side this way. Call {@link #awaitLoaded}
     * before serving with it; requests sent earlier wait for the load.
     */
    public JsWorker start() {
      var worker = new JsWorker(this);
      worker.firstLoad = new CompletableFuture<>();
      worker.beginLoad(false);
      return worker;
    }

    /**
     * Like {@link #start}, but the first context starts loading only once {@code after} has
     * completed (normally or not), or at once when a request or RPC call reaches the worker
     * first. For loading workers one after another behind the ones a runner serves first.
     * Closing the worker before then cancels the wait: its load then fails as closed.
     */
    public JsWorker startAfter(CompletionStage<?> after) {
      requireNonNull(after, "after");
      var worker = new JsWorker(this);
      worker.firstLoad = new CompletableFuture<>();
      after.whenComplete((result, failure) -> worker.beginLoad(true));
      return worker;
    }
  }

  /** Whether the first context was created (see {@link Builder#startAfter}). */
  private boolean loadBegun;
  /** Set by {@link #close} before the first load began: the deferred start is off. */
  private boolean closedBeforeLoad;

  /**
   * Creates the first context, once, and passes its load's outcome on to {@link #firstLoad}.
   * {@code deferred}: called when the wait of {@link Builder#startAfter} ends, which does
   * nothing once the worker is closed.
   */
  private synchronized void beginLoad(boolean deferred) {
    CompletableFuture<Void> load = firstLoad;
    if (loadBegun || load == null || (deferred && closedBeforeLoad)) {
      return;
    }
    loadBegun = true;
    newContext(0).ready.whenComplete((v, e) -> {
      if (e == null) {
        load.complete(null);
      } else {
        load.completeExceptionally(e instanceof CompletionException && e.getCause() != null ? e.getCause() : e);
      }
    });
  }

  /** Starts the first load now if it waits its turn ({@link Builder#startAfter}); else nothing. */
  public void loadNow() {
    beginLoad(false);
  }

  /**
   * Completes when the first context has loaded the code, or failed to (exceptionally, with a
   * {@link JsLoadException}). Never blocks.
   */
  public CompletionStage<Void> loaded() {
    CompletableFuture<Void> load = firstLoad;
    return load == null ? CompletableFuture.completedFuture(null) : load.minimalCompletionStage();
  }

  /**
   * The load of the first context, which {@link #awaitLoaded} reports. Only its outcome is kept,
   * never the context: a context stopped later (for memory, say) must become garbage, and with it
   * everything its code retained.
   */
  private @Nullable CompletableFuture<Void> firstLoad;

  /**
   * Waits until the first context has loaded the code.
   *
   * @throws JsLoadException if the code does not load (syntax error, missing module, ...)
   */
  public void awaitLoaded() {
    CompletableFuture<Void> load = firstLoad;
    if (load == null) {
      return;
    }
    try {
      load.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof JsLoadException le) {
        throw le;
      }
      throw e;
    }
  }

  /** The worker's name, used in logs. */
  public String name() {
    return name;
  }

  JsLimits limits() {
    return limits;
  }

  LoadBudget loadBudget() {
    return loadBudget;
  }

  WorkerMeter meter() {
    return meter;
  }

  BindingUses uses() {
    return uses;
  }

  /** The contexts the worker holds now, live or being stopped (tests). */
  List<WorkerContext> contextsNow() {
    return List.copyOf(contexts);
  }

  /** How many times the code was loaded (tests). */
  int loads() {
    return loadBudget.loads();
  }

  /** Contexts not stopped (tests). */
  int liveContexts() {
    return (int) contexts.stream().filter(c -> !c.isDead()).count();
  }

  WorkerCode code() {
    return code;
  }

  String redact(String text) {
    return redactor.redact(text);
  }

  /** {@code text} redacted and with control characters escaped: ready for one log field. */
  String forLog(String text) {
    return redactor.forLog(text);
  }

  /** Whether the worker may generate code from strings ({@link #ALLOW_EVAL_FLAG}). */
  boolean allowEval() {
    return allowEval;
  }

  @Override public CompletionStage<ServiceResponse> fetch(ServiceRequest request) {
    return dispatch(request, null, null);
  }

  /**
   * Serves {@code request} with the fetch handler of export {@code entrypoint} (null: the
   * default export); {@code propsJson} (a JSON object, or null for {@code {}}) becomes
   * {@code ctx.props}.
   */
  public CompletableFuture<ServiceResponse> dispatch(ServiceRequest request, @Nullable String entrypoint,
      @Nullable String propsJson) {
    var response = new CompletableFuture<ServiceResponse>();
    if (request.budget().depth() > RequestBudget.MAX_DEPTH) {
      response.completeExceptionally(new IllegalStateException(RequestBudget.depthError()));
      return response;
    }
    WorkerContext wc = pick();
    if (wc == null) {
      response.complete(ServiceResponse.text(503, "Service Unavailable: "
          + loadBudget.unavailableMessage(request.requestId()) + "\n"));
      return response;
    }
    var st = new RequestState[1];
    st[0] = new RequestState(request.requestId(), request.budget(), nextCpuLimit(), 2,
        (reason, culprit) -> response.complete(limitResponse(reason, culprit, request.requestId())),
        () -> wc.finished(st[0]));
    wc.startFetch(st[0], request, entrypoint, propsJson, response);
    return response;
  }

  CompletableFuture<RpcOutcome> callRpc(@Nullable String entrypoint, @Nullable String propsJson,
      String method, String argsJson, String requestId, RequestBudget budget) {
    var outcome = new CompletableFuture<RpcOutcome>();
    if (budget.depth() > RequestBudget.MAX_DEPTH) {
      outcome.complete(new RpcOutcome(false, errorPayload(RequestBudget.depthError())));
      return outcome;
    }
    WorkerContext wc = pick();
    if (wc == null) {
      outcome.complete(new RpcOutcome(false, errorPayload(loadBudget.unavailableMessage(requestId))));
      return outcome;
    }
    var st = new RequestState[1];
    st[0] = new RequestState(requestId, budget, nextCpuLimit(), 1, (reason, culprit) -> outcome.complete(
        new RpcOutcome(false, errorPayload(limitMessage(reason, culprit, requestId)))),
        () -> wc.finished(st[0]));
    wc.startRpc(st[0], entrypoint, propsJson, method, argsJson, outcome);
    return outcome;
  }

  /**
   * The CPU limit of the next request: the cold-start allowance for the first few requests of
   * this load of the code, the normal limit after that.
   */
  private long nextCpuLimit() {
    if (started.get() < limits.coldStartRequests() && started.getAndIncrement() < limits.coldStartRequests()) {
      return limits.coldStartCpu().toNanos();
    }
    return limits.cpuPerRequest().toNanos();
  }

  private ServiceResponse limitResponse(String reason, boolean culprit, String requestId) {
    // A handler that can never answer is the worker's own bug (500, as in workerd); the rest
    // are the runner protecting itself (503).
    return reason.equals("hung")
        ? ServiceResponse.text(500, "Internal Server Error: " + limitMessage(reason, culprit, requestId) + "\n")
        : ServiceResponse.text(503, "Service Unavailable: " + limitMessage(reason, culprit, requestId) + "\n");
  }

  private String limitMessage(String reason, boolean culprit, String requestId) {
    String what = switch (reason) {
      case "load-failed" -> loadBudget.unavailableReason();
      case "hung" -> "the worker will never produce a response: its handler is waiting on a promise "
          + "that nothing left in this request can settle";
      case "cpu" -> culprit ? "the worker exceeded its CPU time limit"
          : "the worker was restarted because another request exceeded its CPU time limit";
      case "memory" -> "the worker was stopped because the runner is low on memory and this "
          + "worker held the most of it";
      case "shutdown" -> "the runner is shutting down";
      default -> "the worker could not run (" + reason + ")";
    };
    return what + " (request id " + requestId + ")";
  }

  /** An error encoded like the JS side's structured clone of {@code new Error(message)}. */
  static String errorPayload(String message) {
    return "[\"e\",0,\"Error\"," + ModuleFileSystem.jsString(message) + ",null]";
  }

  /**
   * The least busy live context; a new one when all are busy and the pool has room, or when none
   * is left. A replacement waits out the reload backoff: requests queue behind its load when it is
   * due soon; null (answer 503) when it is not. While a backoff runs the pool does not grow, so
   * the code is loaded at most once per backoff period.
   */
  private synchronized @Nullable WorkerContext pick() {
    if (!loadBegun) {
      beginLoad(false); // a request came before the deferred load's turn: load now
    }
    WorkerContext best = null;
    for (WorkerContext c : contexts) {
      if (!c.isDead() && (best == null || c.load() < best.load())) {
        best = c;
      }
    }
    long delay = loadBudget.delayNanos();
    if (best == null) {
      return delay > LoadBudget.MAX_WAIT_NANOS ? null : newContext(delay);
    }
    if (best.load() > 0 && contexts.size() < poolSize && delay == 0) {
      best = newContext(0);
    }
    return best;
  }

  private synchronized WorkerContext newContext(long loadDelayNanos) {
    var c = new WorkerContext(this, runtime, loadDelayNanos);
    contexts.add(c);
    return c;
  }

  /** {@code c} was stopped for {@code reason}; {@code loadError} set if it was still loading. */
  void contextDied(WorkerContext c, String reason, @Nullable String loadError) {
    contexts.remove(c);
    loadBudget.stopped(reason, loadError);
  }

  /** Whether any of the worker's bindings passes {@code test}. */
  boolean hasBinding(java.util.function.Predicate<EnvBinding> test) {
    for (EnvBinding b : bindings.values()) {
      if (test.test(b)) {
        return true;
      }
    }
    return false;
  }

  /** [[name, kind, value, rpc], ...] for the JS side's env setup. */
  ProxyArray bindingTable() {
    var rows = new ArrayList<Object>();
    for (var e : bindings.entrySet()) {
      Object[] row = switch (e.getValue()) {
        case EnvBinding.Text t -> new Object[] {e.getKey(), "text", t.value(), false};
        case EnvBinding.Json j -> new Object[] {e.getKey(), "json", j.json(), false};
        case EnvBinding.Data d -> new Object[] {e.getKey(), "data",
            new String(d.bytes(), StandardCharsets.ISO_8859_1), false};
        case EnvBinding.Secret s -> new Object[] {e.getKey(), "secret", s.value(), false};
        case EnvBinding.Null n -> new Object[] {e.getKey(), "null", null, false};
        case EnvBinding.Service s -> serviceRow(e.getKey(), s);
        case EnvBinding.Kv k -> new Object[] {e.getKey(), "kv", new Handles.Kv(k.namespace(), e.getKey()), false};
        case EnvBinding.KvHttp k -> new Object[] {e.getKey(), "kvhttp",
            new Handles.Target(k.target(), null, null, null, e.getKey(), Handles.Target.KV_PROTOCOL), false};
        case EnvBinding.Storage r -> new Object[] {e.getKey(), "r2", new Handles.Storage(r.bucket(), e.getKey()), false};
        case EnvBinding.CryptoKey k -> new Object[] {e.getKey(), "cryptoKey", CryptoBridge.keyRow(k.key()), false};
      };
      rows.add(ProxyArray.fromArray(row));
    }
    return ProxyArray.fromList(rows);
  }

  private static Object[] serviceRow(String name, EnvBinding.Service s) {
    if (s.target() instanceof JsWorker w) {
      HttpService http = request -> w.dispatch(request, s.entrypoint(), s.propsJson());
      return new Object[] {name, "service", new Handles.Target(http, fixed(w), s.entrypoint(), s.propsJson(),
          name, "service"), true};
    }
    if (s.target() instanceof WorkerRef ref) {
      HttpService http = request -> {
        JsWorker w = ref.worker();
        return w == null ? ref.fetch(request) : w.dispatch(request, s.entrypoint(), s.propsJson());
      };
      return new Object[] {name, "service", new Handles.Target(http, ref, s.entrypoint(), s.propsJson(),
          name, "service"), true};
    }
    return new Object[] {name, "service", new Handles.Target(s.target(), null, null, null, name,
        BindingUses.kindOf(s.target())), false};
  }

  /** {@code w} itself, as a reference that never moves. */
  private static WorkerRef fixed(JsWorker w) {
    return new WorkerRef() {
      @Override public JsWorker worker() {
        return w;
      }

      @Override public String name() {
        return w.name();
      }

      @Override public java.util.concurrent.CompletionStage<dev.capmesh.runner.service.ServiceResponse> fetch(
          dev.capmesh.runner.service.ServiceRequest request) {
        return w.fetch(request);
      }
    };
  }

  @Nullable Object outboundHandle() {
    return outbound == null ? null : new Handles.Target(outbound, null, null, null,
        BindingUses.GLOBAL_OUTBOUND, BindingUses.kindOf(outbound));
  }

  /** Stops every context of this worker; later requests start new ones. */
  public void close() {
    synchronized (this) {
      CompletableFuture<Void> load = firstLoad;
      if (!loadBegun && load != null && !closedBeforeLoad) {
        closedBeforeLoad = true;
        load.completeExceptionally(new JsLoadException("worker \"" + name + "\": closed before its code was loaded"));
      }
    }
    for (WorkerContext c : List.copyOf(contexts)) {
      c.kill("shutdown");
    }
  }
}
