package dev.capmesh.runner;

import static java.util.Objects.requireNonNull;

import dev.capmesh.runner.egress.Connector;
import dev.capmesh.runner.egress.HostResolver;
import dev.capmesh.runner.egress.NettyConnector;
import dev.capmesh.runner.http.HttpServer;
import dev.capmesh.runner.http.NettyTransport;
import dev.capmesh.runner.js.JsRuntime;
import dev.capmesh.runner.kv.KvBackends;
import dev.capmesh.runner.service.LogText;
import dev.capmesh.runner.service.ServiceRequest;
import dev.capmesh.runner.service.ServiceResponse;
import dev.capmesh.proto.PlanDigest;
import dev.capmesh.proto.v1.Binding;
import dev.capmesh.proto.v1.RunnerPlan;
import dev.capmesh.proto.v1.Service;
import dev.capmesh.proto.v1.Socket;
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
  private final AtomicReference<Generation> current = new AtomicReference<>();
  private final WorkerRefs workerRefs = new WorkerRefs();
  /** One slot per worker service name: what service bindings to workers hold (WorkerSlot). */
  private final Map<String, WorkerSlot> slots = new java.util.concurrent.ConcurrentHashMap<>();
  private final Map<String, HttpServer> servers = new LinkedHashMap<>();
  private final Map<String, String> serverAddresses = new LinkedHashMap<>();
  private final Map<String, InetSocketAddress> bound = new LinkedHashMap<>();
  /** What each socket of the served plan serves ("name" or "name#entrypoint"). */
  private volatile Map<String, String> socketTargets = Map.of();
  /** Values of every secret binding of the served config, longest first, for log redaction. */
  private volatile List<String> secrets = List.of();

  private Runner(RunnerOptions options) {
    this.options = options;
    this.transport = NettyTransport.create(Math.max(2, Runtime.getRuntime().availableProcessors()), "capmesh-io");
    this.runtime = JsRuntime.create();
    this.blocking = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("capmesh-blocking-", 0).factory());
    this.resolver = HostResolver.system(blocking);
    this.connector = new NettyConnector(transport, Duration.ofSeconds(10));
    this.kvBackends = new KvBackends(blocking, options.resources().environment(),
        options.resources().backendTimeout());
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

  /** What each socket serves, by socket name: "service" or "service#entrypoint". */
  public Map<String, String> socketTargets() {
    return socketTargets;
  }

  /** Where each socket listens, by socket name. */
  public synchronized Map<String, InetSocketAddress> listening() {
    return Map.copyOf(bound);
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
    Generation next = new GenerationBuilder(plan, current.get(), options, runtime, resolver,
        connector, blocking, options.resources().environment(), workerRefs, kvBackends, slots).build();
    Map<String, String> wanted = new LinkedHashMap<>();
    List<String> problems = new ArrayList<>();
    for (Socket socket : plan.getSocketsList()) {
      wanted.put(socket.getName(), options.socketAddresses().getOrDefault(socket.getName(), socket.getAddress()));
    }
    for (String name : options.socketAddresses().keySet()) {
      if (!wanted.containsKey(name)) {
        problems.add("--socket-addr " + name + "=...: the config has no socket named \"" + name + "\"");
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
        HttpServer server = newServer(e.getKey(), SocketAddress.parse(e.getValue()));
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
    Generation previous = current.getAndSet(next);
    for (var e : opened.entrySet()) {
      HttpServer old = servers.put(e.getKey(), e.getValue());
      if (old != null) {
        old.close();
      }
      serverAddresses.put(e.getKey(), wanted.get(e.getKey()));
      bound.put(e.getKey(), openedAt.get(e.getKey()));
    }
    for (String name : List.copyOf(servers.keySet())) {
      if (!wanted.containsKey(name)) {
        servers.remove(name).close();
        serverAddresses.remove(name);
        bound.remove(name);
      }
    }
    if (previous != null) {
      log.info("plan version={} replaces version={}; in_flight={}", PlanDigest.shortVersion(version),
          PlanDigest.shortVersion(previous.version), previous.inFlight());
      previous.retire();
    }
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

  private HttpServer newServer(String socket, InetSocketAddress address) {
    return HttpServer.builder()
        .bind(address)
        .redactor(this::redact)
        .transport(transport)
        .maxBodySize(options.maxBodyBytes())
        .connectionLimits(options.connectionLimits())
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
  public synchronized void close() {
    for (HttpServer server : servers.values()) {
      server.close();
    }
    servers.clear();
    bound.clear();
    Generation g = current.getAndSet(null);
    if (g != null) {
      g.close();
    }
    runtime.close();
    kvBackends.close();
    transport.close();
    blocking.shutdownNow();
  }
}
