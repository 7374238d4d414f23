package dev.capmesh.runner.metrics;

import static java.util.Objects.requireNonNull;

import dev.capmesh.runner.Runner;
import dev.capmesh.runner.egress.IpAddresses;
import dev.capmesh.runner.http.ConnectionLimits;
import dev.capmesh.runner.http.HttpServer;
import dev.capmesh.runner.service.BodyStreams;
import dev.capmesh.runner.service.ServiceRequest;
import dev.capmesh.runner.service.ServiceResponse;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;

/**
 * The admin endpoint ({@code --admin-addr}): {@code GET /metrics} (Prometheus text),
 * {@code GET /healthz} (200 while the runner's event loops respond) and {@code GET /readyz} (200
 * once a plan is applied and every socket of it listens; 503 with the reason before, and while
 * stopping). Any other path is 404, any other method 405.
 *
 * <p>It runs the runner's own hardened HTTP server (size limits, header/body/idle timeouts,
 * connection caps) on an event loop of its own, apart from the worker sockets: a scrape or probe
 * still gets through while every I/O loop of the workers is busy, and {@code /healthz} can tell
 * those loops are stuck because it does not run on them. It holds no secret, but names every
 * worker, binding and socket: bind it to loopback or a private interface. Thread-safe.
 */
public final class AdminServer implements AutoCloseable {
  /** How long {@code /healthz} waits for each event loop to run a no-op task. */
  public static final Duration PROBE_TIMEOUT = Duration.ofSeconds(2);
  private static final String PATHS = "/metrics, /healthz and /readyz";

  private final RunnerMetrics metrics;
  private final HttpServer server;
  private final InetSocketAddress address;
  private volatile @Nullable Runner runner;

  private AdminServer(InetSocketAddress bind, RunnerMetrics metrics) {
    this.metrics = metrics;
    this.server = HttpServer.builder()
        .bind(bind)
        .ioThreads(1)
        .maxBodySize(0)
        .maxHeaderSize(8 * 1024)
        .maxRequestLineLength(1024)
        .drainTimeout(Duration.ofSeconds(1))
        .connectionLimits(new ConnectionLimits(Duration.ofSeconds(10), Duration.ofSeconds(10),
            Duration.ofSeconds(60), 64, 16))
        .accessLog(false)
        .service(this::handle)
        .build();
    InetSocketAddress bound;
    try {
      bound = server.start();
    } catch (Exception e) { // Netty rethrows the bind's IOException unchecked
      server.close();
      throw new IllegalStateException("cannot listen on " + show(bind) + ": "
          + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()), e);
    }
    this.address = bound;
  }

  /**
   * Starts serving {@code metrics} on {@code bind}; {@code /readyz} answers 503 until
   * {@link #attach} and then follows the runner.
   *
   * @throws IllegalStateException if the address cannot be bound (in use, not local), saying so
   */
  public static AdminServer start(InetSocketAddress bind, RunnerMetrics metrics) {
    return new AdminServer(requireNonNull(bind, "bind"), requireNonNull(metrics, "metrics"));
  }

  /**
   * The address {@code --admin-addr} names: {@code IP:PORT}, {@code [IPv6]:PORT},
   * {@code localhost:PORT} (127.0.0.1) or {@code *:PORT} (every interface). Never a DNS lookup.
   *
   * @throws IllegalArgumentException saying what is wrong
   */
  public static InetSocketAddress parseAddress(String text) {
    requireNonNull(text, "text");
    int colon = text.lastIndexOf(':');
    String expected = "(expected: IP:PORT, e.g. 127.0.0.1:9090, [::1]:9090 or localhost:9090)";
    if (colon <= 0 || colon == text.length() - 1) {
      throw new IllegalArgumentException("--admin-addr: \"" + text + "\" " + expected);
    }
    String host = text.substring(0, colon);
    int port;
    try {
      port = Integer.parseInt(text.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--admin-addr: \"" + text + "\" " + expected);
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("--admin-addr: \"" + text + "\" (expected: a port from 0 to 65535)");
    }
    if (host.equals("*")) {
      return new InetSocketAddress(port);
    }
    if (host.equals("localhost")) {
      return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    }
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    byte[] ip = IpAddresses.parseDottedQuad(host);
    if (ip == null) {
      ip = IpAddresses.parseIpv6(host);
    }
    if (ip == null) {
      throw new IllegalArgumentException("--admin-addr: \"" + text + "\": the host must be an IP "
          + "address, localhost or * (no DNS names) " + expected);
    }
    return new InetSocketAddress(IpAddresses.fromBytes(ip), port);
  }

  /** Where the endpoint listens (the real port when port 0 was asked for). */
  public InetSocketAddress address() {
    return address;
  }

  /** From now on the probes report on {@code runner}. */
  public void attach(Runner runner) {
    this.runner = requireNonNull(runner, "runner");
  }

  private CompletionStage<ServiceResponse> handle(ServiceRequest request) {
    if (request.body().knownLength() != 0) {
      request.body().cancel();
    }
    String path = path(request.url());
    if (!path.equals("/metrics") && !path.equals("/healthz") && !path.equals("/readyz")) {
      return done(text(404, "not found: the admin endpoint serves " + PATHS + "\n"));
    }
    if (!request.method().equals("GET")) {
      return done(new ServiceResponse(405, "", List.of(Map.entry("allow", "GET"),
          Map.entry("content-type", "text/plain; charset=utf-8")),
          BodyStreams.of(("method " + request.method() + " not allowed: use GET\n")
              .getBytes(StandardCharsets.UTF_8))));
    }
    Runner r = runner;
    return switch (path) {
      case "/metrics" -> done(new ServiceResponse(200, "", List.of(
          Map.entry("content-type", RunnerMetrics.CONTENT_TYPE), Map.entry("cache-control", "no-store")),
          BodyStreams.of(metrics.scrape().getBytes(StandardCharsets.UTF_8))));
      case "/healthz" -> r == null ? done(text(200, "ok (starting)\n"))
          : r.unresponsive(PROBE_TIMEOUT).thenApply(stuck -> stuck == null ? text(200, "ok\n")
              : text(503, "unhealthy: " + stuck + "\n"));
      default -> {
        String why = r == null ? "the runner is starting" : r.notReady();
        yield done(why == null ? text(200, "ready: serving plan " + r.version() + "\n")
            : text(503, "not ready: " + why + "\n"));
      }
    };
  }

  /** The path of an absolute request URL, without query or fragment. */
  static String path(String url) {
    int scheme = url.indexOf("://");
    int slash = url.indexOf('/', scheme < 0 ? 0 : scheme + 3);
    if (slash < 0) {
      return "/";
    }
    int end = url.length();
    for (int i = slash; i < url.length(); i++) {
      if (url.charAt(i) == '?' || url.charAt(i) == '#') {
        end = i;
        break;
      }
    }
    return url.substring(slash, end);
  }

  private static ServiceResponse text(int status, String body) {
    return new ServiceResponse(status, "", List.of(Map.entry("content-type", "text/plain; charset=utf-8"),
        Map.entry("cache-control", "no-store")), BodyStreams.of(body.getBytes(StandardCharsets.UTF_8)));
  }

  private static CompletionStage<ServiceResponse> done(ServiceResponse response) {
    return CompletableFuture.completedFuture(response);
  }

  private static String show(InetSocketAddress a) {
    String host = a.getAddress() == null ? a.getHostString() : a.getAddress().getHostAddress();
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
  }

  /** Stops listening (in-flight scrapes get up to a second to finish). */
  @Override public void close() {
    server.close();
  }
}
