package dev.capmesh.runner;

import static java.util.Objects.requireNonNull;

import dev.capmesh.runner.egress.Connector;
import dev.capmesh.runner.egress.HostResolver;
import dev.capmesh.runner.egress.NettyConnector;
import dev.capmesh.runner.http.HttpServer;
import dev.capmesh.runner.http.NettyTransport;
import dev.capmesh.runner.js.JsRuntime;
import dev.capmesh.runner.service.LogText;
import dev.capmesh.runner.service.ServiceRequest;
import dev.capmesh.runner.service.ServiceResponse;
import dev.capmesh.schema.model.Binding;
import dev.capmesh.schema.model.BindingKind;
import dev.capmesh.schema.model.Config;
import dev.capmesh.schema.model.ServiceKind;
import dev.capmesh.schema.model.Socket;
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
 * Serves a resolved config: one HTTP server per socket, every service the sockets and bindings
 * reach, and atomic swaps to a new version of the config ({@link #reload}). In-flight requests
 * finish on the version they started on. Thread-safe.
 */
public final class Runner implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Runner.class);

  private final RunnerOptions options;
  private final NettyTransport transport;
  private final JsRuntime runtime;
  private final ExecutorService blocking;
  private final HostResolver resolver;
  private final Connector connector;
  private final AtomicReference<Generation> current = new AtomicReference<>();
  private final Map<String, HttpServer> servers = new LinkedHashMap<>();
  private final Map<String, String> serverAddresses = new LinkedHashMap<>();
  private final Map<String, InetSocketAddress> bound = new LinkedHashMap<>();
  /** Values of every secret binding of the served config, longest first, for log redaction. */
  private volatile List<String> secrets = List.of();

  private Runner(RunnerOptions options) {
    this.options = options;
    this.transport = NettyTransport.create(Math.max(2, Runtime.getRuntime().availableProcessors()), "capmesh-io");
    this.runtime = JsRuntime.create();
    this.blocking = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("capmesh-blocking-", 0).factory());
    this.resolver = HostResolver.system(blocking);
    this.connector = new NettyConnector(transport, Duration.ofSeconds(10));
  }

  /**
   * Builds every service of {@code config}, binds its sockets and starts serving.
   *
   * @throws RunnerException if a service cannot be built or a socket cannot be bound; nothing
   *     is left running then
   */
  public static Runner start(Config config, String version, RunnerOptions options) throws RunnerException {
    requireNonNull(config, "config");
    var runner = new Runner(requireNonNull(options, "options"));
    try {
      runner.reload(config, version);
      return runner;
    } catch (RunnerException | RuntimeException e) {
      runner.close();
      throw e;
    }
  }

  /** Where each socket listens, by socket name. */
  public synchronized Map<String, InetSocketAddress> listening() {
    return Map.copyOf(bound);
  }

  /** The version string of the config being served. */
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

  public String version() {
    Generation g = current.get();
    return g == null ? "" : g.version;
  }

  /**
   * Switches to a new version of the config: builds it completely first, then swaps atomically.
   * Sockets whose address changed are rebound; new ones are opened, removed ones closed. If
   * anything fails, the current version keeps serving unchanged.
   */
  public synchronized void reload(Config config, String version) throws RunnerException {
    Generation next = new GenerationBuilder(config, version, options, runtime, resolver, connector,
        blocking, System::getenv).build();
    Map<String, String> wanted = new LinkedHashMap<>();
    List<String> problems = new ArrayList<>();
    for (Socket socket : config.sockets()) {
      wanted.put(socket.name(), options.socketAddresses().getOrDefault(socket.name(), socket.address()));
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
    secrets = secretValues(config, System::getenv);
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
      log.info("config version={} replaces version={}; in_flight={}", version, previous.version, previous.inFlight());
      previous.retire();
    }
  }

  /** Every form (see LogText.secretForms) of every secret and long fromEnvironment value. */
  static List<String> secretValues(Config config, java.util.function.Function<String, String> environment) {
    var values = new java.util.LinkedHashSet<String>();
    for (var service : config.services()) {
      if (service.kind() instanceof ServiceKind.WorkerService w) {
        for (Binding b : w.worker().bindings()) {
          if (b.kind() instanceof BindingKind.Secret secret) {
            values.addAll(LogText.secretForms(secret.value()));
          } else if (b.kind() instanceof BindingKind.FromEnvironment e) {
            String value = environment.apply(e.variable());
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
    transport.close();
    blocking.shutdownNow();
  }
}
