package dev.capmesh.runner.cli;

import dev.capmesh.runner.Runner;
import dev.capmesh.runner.RunnerOptions;
import dev.capmesh.runner.metrics.AdminServer;
import dev.capmesh.runner.metrics.RunnerMetrics;
import dev.capmesh.runner.observe.BindingListener;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * {@code --admin-addr}: the runner's metrics and the admin endpoint serving them, started before
 * the runner so that a busy port fails fast and {@code /readyz} answers 503 until the first plan
 * serves.
 */
final class AdminEndpoint implements AutoCloseable {
  /** What a socket on the admin port is told it clashes with. */
  static final String HOLDER = "the admin endpoint (--admin-addr)";

  private final RunnerMetrics metrics;
  private final AdminServer server;

  private AdminEndpoint(RunnerMetrics metrics, AdminServer server) {
    this.metrics = metrics;
    this.server = server;
  }

  /**
   * Starts the endpoint on {@code address} and prints where it listens, or returns null without
   * an address.
   *
   * @throws IllegalArgumentException if the address is malformed (a usage error)
   * @throws IllegalStateException if it cannot be bound, saying why
   */
  static @Nullable AdminEndpoint start(@Nullable String address, RunnerMain main) {
    if (address == null) {
      return null;
    }
    InetSocketAddress bind = AdminServer.parseAddress(address);
    RunnerMetrics metrics = RunnerMetrics.create(Clock.systemUTC());
    AdminServer server;
    try {
      server = AdminServer.start(bind, metrics);
    } catch (IllegalStateException e) {
      metrics.close();
      throw new IllegalStateException("--admin-addr " + address + ": " + e.getMessage(), e);
    }
    InetSocketAddress at = server.address();
    String host = at.getAddress().getHostAddress();
    main.out.println("capmesh: admin endpoint on http://" + (host.contains(":") ? "[" + host + "]" : host)
        + ":" + at.getPort() + "/ (/metrics, /healthz, /readyz)");
    main.out.flush();
    String exposure = exposure(at.getAddress());
    if (exposure != null) {
      main.err.println("runner: warning: --admin-addr " + address + " " + exposure + "; the metrics "
          + "name every worker, binding and socket: bind it to loopback or a private interface");
      main.err.flush();
    }
    return new AdminEndpoint(metrics, server);
  }

  /** Why {@code address} may be reachable from outside, or null for loopback and private ones. */
  private static @Nullable String exposure(InetAddress address) {
    if (address.isAnyLocalAddress()) {
      return "listens on every interface";
    }
    byte[] b = address.getAddress();
    boolean uniqueLocal = b.length == 16 && (b[0] & 0xfe) == 0xfc; // fc00::/7
    if (address.isLoopbackAddress() || address.isSiteLocalAddress() || address.isLinkLocalAddress()
        || uniqueLocal) {
      return null;
    }
    return "is a public address";
  }

  /** {@code options} counted by these metrics: requests, CPU, limits, plans, binding uses. */
  RunnerOptions instrument(RunnerOptions options) {
    BindingListener listener = options.bindingListener() == BindingListener.NONE ? metrics
        : BindingListener.all(List.of(options.bindingListener(), metrics));
    return options.withObserver(metrics).withBindingListener(listener);
  }

  /** Reports on {@code runner} from now on, and keeps its sockets off the admin port. */
  void attach(Runner runner) {
    runner.reserve(server.address(), HOLDER);
    server.attach(runner);
  }

  @Override public void close() {
    server.close();
    metrics.close();
  }
}
