package dev.capmesh.runner;

import static java.util.Objects.requireNonNull;

import dev.capmesh.runner.egress.Connector;
import dev.capmesh.runner.egress.HostResolver;
import dev.capmesh.runner.egress.NettyConnector;
import dev.capmesh.runner.http.HttpServer;
import dev.capmesh.runner.http.NettyTransport;
import dev.capmesh.runner.js.JsRuntime;
import dev.capmesh.runner.kv.KvBackends;
import dev.capmesh.runner.observe.PlanSummary;
import dev.capmesh.runner.storage.ObjectBackends;
import dev.capmesh.runner.service.LogText;
import dev.capmesh.runner.service.ServiceRequest;
import dev.capmesh.runner.service.ServiceResponse;
import dev.capmesh.proto.PlanDigest;
import dev.capmesh.proto.v1.Binding;
import dev.capmesh.proto.v1.RunnerPlan;
import dev.capmesh.proto.v1.Service;
import dev.capmesh.proto.v1.Socket;
import dev.capmesh.proto.v1.TlsSpec;
import dev.capmesh.runner.tls.TlsContexts;
import io.netty.handler.ssl.SslContext;
import org.jspecify.annotations.Nullable;
import dev.capmesh.runner.plan.PlanTarget;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves {@link RunnerPlan}s: one HTTP server per socket, every service the sockets and bindings
 * reach, and atomic swaps to a new plan ({@link #apply}). In-flight requests finish on the
 * version they started on. It never sees config text: plans come from a
 * {@link dev.capmesh.runner.plan.PlanSource}. Thread-safe.
 */
public final class Runner implements AutoCloseable, PlanTarget {
  private static final Logger log = LoggerFactory.getLogger(Runner.class);

  private final RunnerOptions options;
  private final NettyTransport transport;
  private final JsRuntime runtime;
  private final ExecutorService blocking;
  private final HostResolver resolver;
  private final Connector connector;
  private final KvBackends kvBackends;
  private final ObjectBackends objectBackends;
  private final AtomicReference<Generation> current = new AtomicReference<>();
  private final WorkerRefs workerRefs = new WorkerRefs();
  /** One slot per worker service name: what service bindings to workers hold (WorkerSlot). */
  private final Map<String, WorkerSlot> slots = new java.util.concurrent.ConcurrentHashMap<>();
  private final Map<String, HttpServer> servers = new LinkedHashMap<>();
  private final Map<String, String> serverAddresses = new LinkedHashMap<>();
  private final Map<String, InetSocketAddress> bound = new LinkedHashMap<>();
  /** Each https socket's TLS settings and the context built from them (reused while unchanged). */
  private final Map<String, Map.Entry<TlsSpec, SslContext>> socketTls = new LinkedHashMap<>();
  /** What each socket of the served plan serves ("name" or "name#entrypoint"). */
  private volatile Map<String, String> socketTargets = Map.of();
  /** Values of every secret binding of the served config, longest first, for log redaction. */
  private volatile List<String> secrets = List.of();
  /**
   * {@link #bound} as of its last change: what {@link #listening} and {@link #notReady} read
   * without the lock.
   */
  private volatile Map<String, InetSocketAddress> listeningAt = Map.of();
  /** Addresses no socket may take, with what holds each (see {@link #reserve}). */
  private final Map<InetSocketAddress, String> reserved = new LinkedHashMap<>();
  private volatile boolean closing;
  /** Set while the first plan serves and some of its workers are still loading (not ready). */
  private volatile boolean stillLoading;

  private Runner(RunnerOptions options) {
    this.options = options;
    this.transport = NettyTransport.create(options.effectiveIoThreads(), "capmesh-io");
    this.runtime = JsRuntime.create();
    this.blocking = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("capmesh-blocking-", 0).factory());
    this.resolver = HostResolver.system(blocking);
    this.connector = new NettyConnector(transport, Duration.ofSeconds(10));
    this.kvBackends = new KvBackends(blocking, options.resources().environment(),
        options.resources().backendTimeout());
    this.objectBackends = new ObjectBackends(options.resources().clock());
  }

  /**
   * A runner that serves nothing yet: no socket is open until the first {@link #apply}.
   */
  public static Runner create(RunnerOptions options) {
    return new Runner(requireNonNull(options, "options"));
  }

  /**
   * Applies {@code plan}: builds every service, binds its sockets and starts serving.
   *
   * @throws RunnerException if a service cannot be built or a socket cannot be bound; nothing
   *     is left running then
   */
  public static Runner start(RunnerPlan plan, RunnerOptions options) throws RunnerException {
    requireNonNull(plan, "plan");
    var runner = new Runner(requireNonNull(options, "options"));
    try {
      runner.apply(plan);
      return runner;
    } catch (RunnerException | RuntimeException e) {
      runner.close();
      throw e;
    }
  }

  /** The event loops of the worker sockets (tests). */
  NettyTransport transport() {
    return transport;
  }

  /** What each socket serves, by socket name: "service" or "service#entrypoint". */
  public Map<String, String> socketTargets() {
    return socketTargets;
  }

  /**
   * Where each socket listens, by socket name. Never blocks: while the first plan's workers load
   * behind its sockets, those sockets are listed already.
   */
  public Map<String, InetSocketAddress> listening() {
    return listeningAt;
  }

  /**
   * What runs the JavaScript, e.g. "GraalJS 25.0.3 (GraalVM Compiler)"; "Interpreted" in
   * parentheses means the optimizing compiler is missing and workers run many times slower.
   */
  public String javascriptRuntime() {
    return "GraalJS " + runtime.version() + " (" + runtime.implementationName() + ")";
  }

  /** Whether JavaScript runs with the optimizing compiler. */
  public boolean javascriptOptimized() {
    return !runtime.implementationName().equals("Interpreted");
  }

  /** The version of the plan being served, or {@code ""} before the first. */
  @Override
  public String version() {
    Generation g = current.get();
    return g == null ? "" : g.version;
  }

  /**
   * Switches to {@code plan}: checks it (format, content hashes), builds it completely, then
   * swaps atomically. Services that did not change, down to everything they bind to, are kept
   * with their warm contexts. Sockets whose address changed are rebound; new ones are opened,
   * removed ones closed. If anything fails, the current plan keeps serving unchanged.
   */
  @Override
  public synchronized void apply(RunnerPlan plan) throws RunnerException {
    requireNonNull(plan, "plan");
    try {
      applyPlan(plan);
    } catch (RunnerException | RuntimeException e) {
      options.observer().planRefused();
      throw e;
    }
    // A plan serves: in after-start mode the engine warms up now (once).
    runtime.planServes();
  }

  /** The names in {@code plan} the metrics label with: sockets, workers, their bindings. */
  private static PlanSummary summary(RunnerPlan plan) {
    var sockets = new LinkedHashMap<String, String>();
    for (Socket socket : plan.getSocketsList()) {
      sockets.put(socket.getName(), socket.getService().getService());
    }
    var workers = new LinkedHashMap<String, java.util.Set<String>>();
    for (Service service : plan.getServicesList()) {
      if (service.hasWorker()) {
        var bindings = new java.util.LinkedHashSet<String>();
        service.getWorker().getBindingsList().forEach(b -> bindings.add(b.getName()));
        workers.put(service.getName(), bindings);
      }
    }
    return new PlanSummary(plan.getVersion(), sockets, workers);
  }

  /**
   * Keeps {@code address} from every socket of every plan applied from now on: a plan with a
   * socket on it (the same port, on the same or a wildcard host) is refused, naming
   * {@code holder}. For the admin endpoint, so that it never shares a port with a worker socket.
   */
  public synchronized void reserve(InetSocketAddress address, String holder) {
    reserved.put(requireNonNull(address, "address"), requireNonNull(holder, "holder"));
  }

  /** What reserved address {@code wanted} clashes with, or null. */
  private @Nullable String clash(String wanted) {
    InetSocketAddress a;
    try {
      a = SocketAddress.parse(wanted);
    } catch (IllegalArgumentException e) {
      return null; // reported when the socket is opened
    }
    for (var e : reserved.entrySet()) {
      InetSocketAddress r = e.getKey();
      if (a.getPort() != 0 && a.getPort() == r.getPort() && (a.getAddress() == null
          || r.getAddress() == null || a.getAddress().isAnyLocalAddress()
          || r.getAddress().isAnyLocalAddress() || a.getAddress().equals(r.getAddress()))) {
        return e.getValue();
      }
    }
    return null;
  }

  /**
   * Why the runner is not ready to serve, or null when it is: a plan is applied, every socket
   * of it is listening and the runner is not stopping. Never blocks (not even during an apply).
   */
  public @Nullable String notReady() {
    if (closing) {
      return "the runner is stopping";
    }
    if (current.get() == null) {
      return "no plan has been applied yet";
    }
    if (stillLoading) {
      return "some workers of the plan are still loading";
    }
    java.util.Set<String> listening = listeningAt.keySet();
    for (String socket : socketTargets.keySet()) {
      if (!listening.contains(socket)) {
        return "socket " + socket + " is not listening";
      }
    }
    return null;
  }

  /**
   * Whether the runner's threads still respond: each I/O event loop and the JavaScript
   * watchdog must run a no-op task within {@code timeout}. Completes with null when all did,
   * else with which did not; never fails. Blocks no thread.
   */
  public CompletionStage<@Nullable String> unresponsive(Duration timeout) {
    if (closing) {
      return CompletableFuture.completedFuture("the runner is stopping");
    }
    return LivenessProbe.check(transport.group(), runtime.ping(), timeout);
  }

  private void applyPlan(RunnerPlan plan) throws RunnerException {
    if (plan.getFormat() > PlanDigest.CURRENT_FORMAT) {
      throw new RunnerException(List.of("plan " + PlanDigest.shortVersion(plan.getVersion())
          + " is in plan format " + plan.getFormat() + ", newer than this runner reads (up to "
          + PlanDigest.CURRENT_FORMAT + "); upgrade the runner"));
    }
    try {
      PlanDigest.verify(plan);
    } catch (IllegalArgumentException e) {
      throw new RunnerException(List.of(e.getMessage()));
    }
    String version = plan.getVersion();
    List<String> problems = new ArrayList<>();
    // TLS contexts of the https sockets: built (and the key pairs checked) before anything
    // changes, reported together with the services' problems, and reused where the settings
    // did not change so that session caches survive.
    Map<String, Map.Entry<TlsSpec, SslContext>> tls = new LinkedHashMap<>();
    for (Socket socket : plan.getSocketsList()) {
      if (!socket.hasHttps()) {
        continue;
      }
      TlsSpec spec = socket.getHttps().getTls();
      var known = socketTls.get(socket.getName());
      if (known != null && known.getKey().equals(spec)) {
        tls.put(socket.getName(), known);
        continue;
      }
      try {
        tls.put(socket.getName(), Map.entry(spec, TlsContexts.server(spec)));
      } catch (IllegalArgumentException ex) {
        problems.add("socket \"" + socket.getName() + "\": " + ex.getMessage());
      }
    }
    Generation next;
    var builder = new GenerationBuilder(plan, current.get(), options, runtime, resolver, connector,
        blocking, options.resources().environment(), workerRefs, kvBackends, objectBackends, slots);
    try {
      next = builder.build();
    } catch (RunnerException e) {
      problems.addAll(e.problems());
      throw new RunnerException(problems);
    }
    if (!problems.isEmpty()) {
      next.close(); // also cancels the loads still waiting their turn
      throw new RunnerException(problems);
    }
    Map<String, String> wanted = new LinkedHashMap<>();
    for (Socket socket : plan.getSocketsList()) {
      wanted.put(socket.getName(), options.socketAddresses().getOrDefault(socket.getName(), socket.getAddress()));
    }
    for (String name : options.socketAddresses().keySet()) {
      if (!wanted.containsKey(name)) {
        problems.add("--socket-addr " + name + "=...: the config has no socket named \"" + name + "\"");
      }
    }
    for (var e : wanted.entrySet()) {
      String holder = clash(e.getValue());
      if (holder != null) {
        problems.add("socket \"" + e.getKey() + "\": " + e.getValue() + " is the port of " + holder
            + "; give the socket another port (or --socket-addr " + e.getKey() + "=HOST:PORT)");
      }
    }
    // Open what is new or moved before touching anything that serves now.
    Map<String, HttpServer> opened = new LinkedHashMap<>();
    Map<String, InetSocketAddress> openedAt = new LinkedHashMap<>();
    for (var e : wanted.entrySet()) {
      if (e.getValue().equals(serverAddresses.get(e.getKey())) || !problems.isEmpty()) {
        continue;
      }
      try {
        var context = tls.get(e.getKey());
        HttpServer server = newServer(e.getKey(), SocketAddress.parse(e.getValue()),
            context == null ? null : context.getValue());
        openedAt.put(e.getKey(), server.start());
        opened.put(e.getKey(), server);
      } catch (IllegalArgumentException ex) {
        problems.add("socket \"" + e.getKey() + "\": " + ex.getMessage());
      } catch (RuntimeException ex) {
        problems.add("socket \"" + e.getKey() + "\": cannot listen on " + e.getValue() + ": "
            + (ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage()));
      }
    }
    if (!problems.isEmpty()) {
      opened.values().forEach(HttpServer::close);
      next.close();
      throw new RunnerException(problems);
    }
    // Point every slot at this plan's workers just before the swap: callers built now find
    // their callees; kept callers of rebuilt workers reach the new ones from here on.
    next.services.forEach((name, service) -> {
      if (service instanceof dev.capmesh.runner.js.JsWorker w) {
        slots.computeIfAbsent(name, WorkerSlot::new).point(w);
      }
    });
    slots.keySet().retainAll(next.services.keySet());
    secrets = secretValues(plan, options.resources().environment());
    var targets = new LinkedHashMap<String, String>();
    for (Socket socket : plan.getSocketsList()) {
      String entrypoint = socket.getService().getEntrypoint();
      targets.put(socket.getName(), socket.getService().getService()
          + (entrypoint.isEmpty() ? "" : "#" + entrypoint));
    }
    socketTargets = java.util.Collections.unmodifiableMap(targets);
    // Nothing fails from here on: label the meters with the new names before requests reach it.
    try {
      options.observer().planApplied(summary(plan));
    } catch (RuntimeException e) {
      log.warn("event=observer-failed error={}", e.toString());
    }
    // Not ready from the swap on, while workers of a first plan still load (awaitStillLoading).
    var loading = builder.stillLoading();
    stillLoading = !(loading.isDone() && loading.join().isEmpty());
    Generation previous = current.getAndSet(next);
    for (var e : opened.entrySet()) {
      HttpServer old = servers.put(e.getKey(), e.getValue());
      if (old != null) {
        old.close();
      }
      serverAddresses.put(e.getKey(), wanted.get(e.getKey()));
      bound.put(e.getKey(), openedAt.get(e.getKey()));
    }
    // Sockets that stay where they are take their (possibly new) TLS settings for connections
    // accepted from now on; open connections keep theirs.
    for (var e : servers.entrySet()) {
      if (!opened.containsKey(e.getKey()) && wanted.containsKey(e.getKey())) {
        var context = tls.get(e.getKey());
        e.getValue().tls(context == null ? null : context.getValue());
      }
    }
    socketTls.clear();
    socketTls.putAll(tls);
    for (String name : List.copyOf(servers.keySet())) {
      if (!wanted.containsKey(name)) {
        servers.remove(name).close();
        serverAddresses.remove(name);
        bound.remove(name);
      }
    }
    listeningAt = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(bound));
    if (previous != null) {
      log.info("plan version={} replaces version={}; in_flight={}", PlanDigest.shortVersion(version),
          PlanDigest.shortVersion(previous.version), previous.inFlight());
      previous.retire();
    }
    if (!loading.isDone()) {
      log.info("event=serving-while-loading version={} sockets={} workers_loading={}",
          PlanDigest.shortVersion(version), bound.keySet(), builder.loadingBehind());
    }
    awaitStillLoading(loading, next);
  }

  /**
   * On a process's first plan the sockets serve as soon as the workers they route to have
   * loaded, while the other workers load behind them (GenerationBuilder): waits for those, the
   * runner not ready meanwhile. If one fails to load, the plan is refused as if it had failed
   * before serving: the sockets close and the runner is left without a plan. Requests answered
   * meanwhile were answered by workers that loaded.
   */
  private void awaitStillLoading(CompletableFuture<List<String>> loading, Generation next)
      throws RunnerException {
    List<String> failures;
    try {
      while (true) {
        if (closing) {
          failures = List.of("the runner is stopping");
          break;
        }
        try {
          failures = loading.get(100, java.util.concurrent.TimeUnit.MILLISECONDS);
          break;
        } catch (java.util.concurrent.TimeoutException e) {
          // look at closing again
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          failures = List.of("interrupted while the plan's workers were loading");
          break;
        } catch (java.util.concurrent.ExecutionException e) {
          failures = List.of("worker load failed: " + e.getCause());
          break;
        }
      }
    } finally {
      stillLoading = false;
    }
    if (failures.isEmpty()) {
      return;
    }
    log.warn("event=plan-refused-after-serving version={} problems={}", PlanDigest.shortVersion(next.version),
        failures.size());
    closeSockets();
    socketTls.clear();
    current.compareAndSet(next, null);
    slots.clear();
    socketTargets = Map.of();
    next.retire(); // closes once the requests it is answering have ended
    throw new RunnerException(failures);
  }

  /** Every form (see LogText.secretForms) of every secret and long fromEnvironment value. */
  static List<String> secretValues(RunnerPlan plan, java.util.function.Function<String, String> environment) {
    var values = new java.util.LinkedHashSet<String>();
    for (Service service : plan.getServicesList()) {
      if (service.hasKv() && service.getKv().hasRedis()
          && !service.getKv().getRedis().getPasswordEnv().isEmpty()) {
        String password = environment.apply(service.getKv().getRedis().getPasswordEnv());
        if (password != null && !password.isEmpty()) {
          values.addAll(LogText.secretForms(password));
        }
      }
      if (service.hasWorker()) {
        for (Binding b : service.getWorker().getBindingsList()) {
          if (b.hasSecret()) {
            values.addAll(LogText.secretForms(b.getSecret()));
          } else if (b.hasFromEnvironment()) {
            String value = environment.apply(b.getFromEnvironment());
            if (value != null && value.length() >= GenerationBuilder.FROM_ENVIRONMENT_SECRET_LENGTH) {
              values.addAll(LogText.secretForms(value));
            }
          }
        }
      }
    }
    var sorted = new ArrayList<>(values);
    sorted.sort(java.util.Comparator.comparingInt(String::length).reversed());
    return List.copyOf(sorted);
  }

  /**
   * {@code text} with every form of every secret of the served plan (secret bindings, long
   * {@code fromEnvironment} values, Redis passwords) replaced by {@code [REDACTED]}: for writers
   * of records outside the runner core, such as the audit log. Thread-safe.
   */
  public String redactSecrets(String text) {
    String out = text;
    for (String secret : secrets) {
      out = out.replace(secret, "[REDACTED]");
    }
    return out;
  }

  /** Request-log redaction: query strings (the server's default) and any secret value, escaped. */
  private String redact(String text) {
    String out = HttpServer.REDACT_QUERY.apply(text);
    for (String secret : secrets) {
      out = out.replace(secret, "[REDACTED]");
    }
    return LogText.escape(out);
  }

  private HttpServer newServer(String socket, InetSocketAddress address, @Nullable SslContext tls) {
    return HttpServer.builder()
        .bind(address)
        .tls(tls)
        .redactor(this::redact)
        .transport(transport)
        .maxBodySize(options.maxBodyBytes())
        .connectionLimits(options.connectionLimits())
        .meter(options.observer().socket(socket))
        .service(request -> dispatch(socket, request))
        .build();
  }

  private CompletionStage<ServiceResponse> dispatch(String socket, ServiceRequest request) {
    while (true) {
      Generation g = current.get();
      if (g == null) {
        return CompletableFuture.completedFuture(
            ServiceResponse.text(503, "the runner is shutting down\n"));
      }
      // null: g closed between our read of current and the request being counted; by then a
      // newer generation is current (retire() runs only after the swap), so try again.
      CompletionStage<ServiceResponse> result = g.serve(socket, request);
      if (result != null) {
        return result;
      }
    }
  }

  /** Stops accepting, lets in-flight requests finish (up to the servers' drain timeout), stops. */
  @Override
  public void close() {
    closing = true; // before the lock: readiness turns 503 even while an apply finishes
    synchronized (this) {
      closeAll();
    }
  }

  /** Closes every socket (letting in-flight requests finish up to the drain timeout). */
  private void closeSockets() {
    listeningAt = Map.of();
    for (HttpServer server : servers.values()) {
      server.close();
    }
    servers.clear();
    serverAddresses.clear();
    bound.clear();
  }

  private void closeAll() {
    closeSockets();
    Generation g = current.getAndSet(null);
    if (g != null) {
      g.close();
    }
    runtime.close();
    kvBackends.close();
    objectBackends.close();
    transport.close();
    blocking.shutdownNow();
  }
}
