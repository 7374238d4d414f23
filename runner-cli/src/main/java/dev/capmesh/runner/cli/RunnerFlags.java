package dev.capmesh.runner.cli;

import dev.capmesh.runner.RunnerOptions;
import dev.capmesh.runner.audit.AuditLog;
import dev.capmesh.runner.http.ConnectionLimits;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/**
 * The flags every serving command shares ({@code serve}, {@code agent}): socket address
 * overrides, per-request limits and connection limits, turned into {@link RunnerOptions}; 
 * the admin endpoint ({@link AdminEndpoint}); and the audit log.
 */
final class RunnerFlags {
  /** More network threads than this is a typo, not a tuning. */
  static final int MAX_IO_THREADS = 256;

  @Option(names = "--socket-addr", paramLabel = "NAME=HOST:PORT",
      description = "Listen for socket NAME on HOST:PORT instead of the config's address (repeatable).")
  Map<String, String> socketAddresses = new LinkedHashMap<>();

  @Option(names = "--cpu-limit", paramLabel = "TIME", converter = DurationConverter.class,
      description = "CPU time one request may use, e.g. 200ms or 1.5s (default: ${DEFAULT-VALUE}).",
      defaultValue = "200ms")
  Duration cpuLimit;

  @Option(names = "--cold-start-cpu", paramLabel = "TIME", converter = DurationConverter.class,
      description = "CPU time allowed to each of a freshly loaded worker's first requests, while its "
          + "code is still interpreted (default: ${DEFAULT-VALUE}; never below --cpu-limit).",
      defaultValue = "1s")
  Duration coldStartCpu;

  @Option(names = "--cold-start-requests", paramLabel = "N",
      description = "How many requests of a freshly loaded worker get --cold-start-cpu; 0 turns it off "
          + "(default: ${DEFAULT-VALUE}).", defaultValue = "8")
  int coldStartRequests;

  @Option(names = "--subrequest-limit", paramLabel = "N",
      description = "fetch() and RPC calls one request may make (default: ${DEFAULT-VALUE}).",
      defaultValue = "50")
  int subrequestLimit;

  @Option(names = "--header-timeout", paramLabel = "TIME", converter = DurationConverter.class,
      description = "Time a request's header block may take to arrive; the connection is closed "
          + "after it (default: 30s).")
  @Nullable Duration headerTimeout;

  @Option(names = "--body-timeout", paramLabel = "TIME", converter = DurationConverter.class,
      description = "Time the server waits for the next bytes of a request body it asked for; "
          + "then 408 and the connection closes (default: 30s).")
  @Nullable Duration bodyTimeout;

  @Option(names = "--idle-timeout", paramLabel = "TIME", converter = DurationConverter.class,
      description = "Time a keep-alive connection may wait for its next request (default: 60s).")
  @Nullable Duration idleTimeout;

  @Option(names = "--max-connections", paramLabel = "N",
      description = "Open connections per socket; more get a 503 and are closed (default: 10000, "
          + "or 3/4 of the open-file limit if lower).")
  @Nullable Integer maxConnections;

  @Option(names = "--max-connections-per-ip", paramLabel = "N",
      description = "Open connections per socket from one client address (IPv6: one /64) "
          + "(default: 1000, or half of --max-connections if lower).")
  @Nullable Integer maxConnectionsPerIp;

  @Option(names = "--io-threads", paramLabel = "N",
      description = "Network event-loop threads for all sockets and outbound connections "
          + "(default: half the cores, at least 1). Workers' JavaScript runs on threads of its own.")
  @Nullable Integer ioThreads;

  @Option(names = "--admin-addr", paramLabel = "HOST:PORT",
      description = "Serve /metrics (Prometheus), /healthz and /readyz on HOST:PORT, a port of its "
          + "own (default: off). HOST is an IP address, localhost or *; bind it to loopback or a "
          + "private interface.")
  @Nullable String adminAddress;

  @Option(names = "--data-dir", paramLabel = "DIR",
      description = "Where embedded kv and storage services without a path keep their data, as "
          + "DIR/kv/SERVICE and DIR/storage/SERVICE (default: .capmesh-data beside the config).")
  @Nullable Path dataDirectory;

  @Option(names = "--backend-timeout", paramLabel = "TIME", converter = DurationConverter.class,
      description = "Time one KV or R2 call may take, connecting included, before the worker's "
          + "promise rejects (default: ${DEFAULT-VALUE}).", defaultValue = "5s")
  Duration backendTimeout;

  @Option(names = "--max-body-size", paramLabel = "SIZE", converter = SizeConverter.class,
      description = "The largest request body a socket accepts, e.g. 100m or 2g; larger ones get "
          + "413 (default: 100m). Bodies stream: a large limit costs no memory by itself.")
  @Nullable Long maxBodySize;

  @Option(names = "--access-log",
      description = "Log one line per request to standard error: id, method, target (query "
          + "redacted), status, bytes in and out, milliseconds (default: off; it costs about a "
          + "quarter of a small request's CPU).")
  boolean accessLog;

  @Option(names = "--audit-log", paramLabel = "FILE",
      description = "Write one hash-chained JSON line per binding use to FILE ('-': standard "
          + "output), rotated by size, with its chain head in FILE.checkpoint (see docs/RUNNER.md, "
          + "Audit trail).")
  @Nullable String auditLog;

  @Option(names = "--audit-fail-closed",
      description = "Refuse binding uses while the audit log cannot record them (default: keep "
          + "serving and report the failure every 10 s).")
  boolean auditFailClosed;

  @Option(names = "--audit-max-bytes", paramLabel = "SIZE", converter = SizeConverter.class,
      description = "Rotate the audit log before it grows past SIZE, e.g. 100m; 0 never rotates "
          + "(default: ${DEFAULT-VALUE}).", defaultValue = "100m")
  long auditMaxBytes;

  @Option(names = "--audit-keep", paramLabel = "N",
      description = "Rotated audit files to keep, as FILE.1 (newest) to FILE.N (default: ${DEFAULT-VALUE}).",
      defaultValue = "10")
  int auditKeep;

  /** Whether the audit log goes to standard output. */
  boolean auditToStdout() {
    return "-".equals(auditLog);
  }

  /**
   * The audit log these flags ask for, opened (continuing the chain already in the file), or
   * null without {@code --audit-log}.
   *
   * @param stdout where {@code --audit-log -} writes
   * @throws IllegalArgumentException naming the flag when a value is out of range
   * @throws IOException when the file cannot be opened or written
   */
  @Nullable AuditLog openAuditLog(String runnerId, OutputStream stdout) throws IOException {
    if (auditLog == null) {
      if (auditFailClosed) {
        throw new IllegalArgumentException("--audit-fail-closed needs --audit-log FILE");
      }
      return null;
    }
    if (auditKeep < 0) {
      throw new IllegalArgumentException("--audit-keep must not be negative");
    }
    if (auditLog.isEmpty()) {
      throw new IllegalArgumentException("--audit-log needs a file name, or - for standard output");
    }
    AuditLog.Builder builder = auditToStdout() ? AuditLog.toStream(stdout)
        : AuditLog.toFile(Path.of(auditLog).toAbsolutePath()).maxBytes(auditMaxBytes).keep(auditKeep);
    return builder.runnerId(runnerId).failClosed(auditFailClosed).open();
  }

  /** The host name without a DNS lookup: $HOSTNAME, else /etc/hostname, else "runner". */
  static String hostName(java.util.function.Function<String, @Nullable String> environment) {
    String name = environment.apply("HOSTNAME");
    if (name == null || name.isBlank()) {
      try {
        name = java.nio.file.Files.readString(Path.of("/etc/hostname"),
            java.nio.charset.StandardCharsets.UTF_8).strip();
      } catch (IOException | RuntimeException e) {
        name = "";
      }
    }
    return name.isBlank() ? "runner" : name.strip();
  }

  private dev.capmesh.runner.ResourceOptions resources(dev.capmesh.runner.ResourceOptions defaults,
      Path base) {
    if (backendTimeout.isNegative() || backendTimeout.isZero()) {
      throw new IllegalArgumentException("--backend-timeout must be more than 0");
    }
    var out = defaults.withBackendTimeout(backendTimeout);
    return dataDirectory == null ? out : out.withDataDirectory(dataDirectory.toAbsolutePath());
  }

  /**
   * The options these flags describe, with relative disk paths resolved against {@code base}.
   *
   * @throws IllegalArgumentException naming the flag when a value is out of range
   */
  RunnerOptions options(Path base) {
    if (accessLog) {
      // logback.xml leaves the request logger off unless capmesh.access.level says otherwise.
      var logger = org.slf4j.LoggerFactory.getLogger(dev.capmesh.runner.http.HttpServer.ACCESS_LOGGER);
      if (logger instanceof ch.qos.logback.classic.Logger l) {
        l.setLevel(ch.qos.logback.classic.Level.INFO);
      }
    }
    if (coldStartRequests < 0 || subrequestLimit < 0) {
      throw new IllegalArgumentException("--cold-start-requests and --subrequest-limit must not be negative");
    }
    if (ioThreads != null && (ioThreads < 1 || ioThreads > MAX_IO_THREADS)) {
      throw new IllegalArgumentException("--io-threads must be between 1 and " + MAX_IO_THREADS
          + " (got " + ioThreads + ")");
    }
    RunnerOptions defaults = RunnerOptions.defaults(base);
    if (ioThreads != null) {
      defaults = defaults.withIoThreads(ioThreads);
    }
    if (maxBodySize != null) {
      defaults = defaults.withMaxBodyBytes(maxBodySize);
    }
    return defaults.withSocketAddresses(socketAddresses).withLimits(defaults.limits()
        .withCpuPerRequest(cpuLimit).withSubrequests(subrequestLimit)
        .withColdStart(coldStartCpu, coldStartRequests))
        .withConnectionLimits(connectionLimits(defaults.connectionLimits()))
        .withResources(resources(defaults.resources(), base));
  }

  /**
   * The defaults with the flags given applied. With --max-connections alone, the per-address cap
   * follows it as its default does (at most half of the total).
   */
  private ConnectionLimits connectionLimits(ConnectionLimits limits) {
    if (headerTimeout != null) {
      limits = limits.withHeaderTimeout(headerTimeout);
    }
    if (bodyTimeout != null) {
      limits = limits.withBodyTimeout(bodyTimeout);
    }
    if (idleTimeout != null) {
      limits = limits.withIdleTimeout(idleTimeout);
    }
    if (maxConnections != null) {
      limits = limits.withMaxConnections(maxConnections);
      if (maxConnectionsPerIp == null) {
        limits = limits.withMaxConnectionsPerIp(Math.min(limits.maxConnectionsPerIp(),
            Math.max(1, maxConnections / 2)));
      }
    }
    if (maxConnectionsPerIp != null) {
      limits = limits.withMaxConnectionsPerIp(maxConnectionsPerIp);
    }
    return limits;
  }
}
