package dev.capmesh.runner.cli;

import static dev.capmesh.runner.cli.CommandSpec.flag;
import static dev.capmesh.runner.cli.CommandSpec.given;
import static dev.capmesh.runner.cli.CommandSpec.option;
import static dev.capmesh.runner.cli.CommandSpec.value;

import dev.capmesh.runner.RunnerOptions;
import dev.capmesh.runner.audit.AuditLog;
import dev.capmesh.runner.http.ConnectionLimits;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;
import org.apache.commons.cli.ParseException;
import org.jspecify.annotations.Nullable;

/**
 * The flags every serving command shares ({@code serve}, {@code agent}): socket address
 * overrides, per-request limits and connection limits, turned into {@link RunnerOptions};
 * the admin endpoint ({@link AdminEndpoint}); and the audit log.
 */
final class RunnerFlags {
  /** More network threads than this is a typo, not a tuning. */
  static final int MAX_IO_THREADS = 256;

  // The defaults, as written on the command line (and in the usage).
  private static final String CPU_LIMIT = "200ms";
  private static final String COLD_START_CPU = "1s";
  private static final String COLD_START_REQUESTS = "8";
  private static final String SUBREQUEST_LIMIT = "50";
  private static final String BACKEND_TIMEOUT = "5s";
  private static final String AUDIT_MAX_BYTES = "100m";
  private static final String AUDIT_KEEP = "10";

  Map<String, String> socketAddresses = new LinkedHashMap<>();
  Duration cpuLimit;
  Duration coldStartCpu;
  int coldStartRequests;
  int subrequestLimit;
  @Nullable Duration headerTimeout;
  @Nullable Duration bodyTimeout;
  @Nullable Duration idleTimeout;
  @Nullable Integer maxConnections;
  @Nullable Integer maxConnectionsPerIp;
  @Nullable Integer ioThreads;
  @Nullable String adminAddress;
  @Nullable Path dataDirectory;
  Duration backendTimeout;
  @Nullable Long maxBodySize;
  boolean accessLog;
  @Nullable String auditLog;
  boolean auditFailClosed;
  long auditMaxBytes;
  int auditKeep;

  /** The options these flags are read from. */
  static Options options() {
    return new Options()
        .addOption(option("socket-addr", "NAME=HOST:PORT",
            "Listen for socket NAME on HOST:PORT instead of the config's address (repeatable)."))
        .addOption(option("cpu-limit", "TIME",
            "CPU time one request may use, e.g. 200ms or 1.5s (default: " + CPU_LIMIT + ")."))
        .addOption(option("cold-start-cpu", "TIME",
            "CPU time allowed to each of a freshly loaded worker's first requests, while its code is "
                + "still interpreted (default: " + COLD_START_CPU + "; never below --cpu-limit)."))
        .addOption(option("cold-start-requests", "N",
            "How many requests of a freshly loaded worker get --cold-start-cpu; 0 turns it off "
                + "(default: " + COLD_START_REQUESTS + ")."))
        .addOption(option("subrequest-limit", "N",
            "fetch() and RPC calls one request may make (default: " + SUBREQUEST_LIMIT + ")."))
        .addOption(option("header-timeout", "TIME",
            "Time a request's header block may take to arrive; the connection is closed after it "
                + "(default: 30s)."))
        .addOption(option("body-timeout", "TIME",
            "Time the server waits for the next bytes of a request body it asked for; then 408 and "
                + "the connection closes (default: 30s)."))
        .addOption(option("idle-timeout", "TIME",
            "Time a keep-alive connection may wait for its next request (default: 60s)."))
        .addOption(option("max-connections", "N",
            "Open connections per socket; more get a 503 and are closed (default: 10000, or 3/4 of "
                + "the open-file limit if lower)."))
        .addOption(option("max-connections-per-ip", "N",
            "Open connections per socket from one client address (IPv6: one /64) (default: 1000, or "
                + "half of --max-connections if lower)."))
        .addOption(option("io-threads", "N",
            "Network event-loop threads for all sockets and outbound connections (default: half the "
                + "cores, at least 1). Workers' JavaScript runs on threads of its own."))
        .addOption(option("admin-addr", "HOST:PORT",
            "Serve /metrics (Prometheus), /healthz and /readyz on HOST:PORT, a port of its own "
                + "(default: off). HOST is an IP address, localhost or *; bind it to loopback or a "
                + "private interface."))
        .addOption(option("data-dir", "DIR",
            "Where embedded kv and storage services without a path keep their data, as "
                + "DIR/kv/SERVICE and DIR/storage/SERVICE (default: .capmesh-data beside the config)."))
        .addOption(option("backend-timeout", "TIME",
            "Time one KV or R2 call may take, connecting included, before the worker's promise "
                + "rejects (default: " + BACKEND_TIMEOUT + ")."))
        .addOption(option("max-body-size", "SIZE",
            "The largest request body a socket accepts, e.g. 100m or 2g; larger ones get 413 "
                + "(default: 100m). Bodies stream: a large limit costs no memory by itself."))
        .addOption(flag("access-log",
            "Log one line per request to standard error: id, method, target (query redacted), "
                + "status, bytes in and out, milliseconds (default: off; it costs about a quarter of "
                + "a small request's CPU)."))
        .addOption(option("audit-log", "FILE",
            "Write one hash-chained JSON line per binding use to FILE ('-': standard output), "
                + "rotated by size, with its chain head in FILE.checkpoint (see docs/RUNNER.md, "
                + "Audit trail)."))
        .addOption(flag("audit-fail-closed",
            "Refuse binding uses while the audit log cannot record them (default: keep serving "
                + "and report the failure every 10 s)."))
        .addOption(option("audit-max-bytes", "SIZE",
            "Rotate the audit log before it grows past SIZE, e.g. 100m; 0 never rotates "
                + "(default: " + AUDIT_MAX_BYTES + ")."))
        .addOption(option("audit-keep", "N",
            "Rotated audit files to keep, as FILE.1 (newest) to FILE.N (default: " + AUDIT_KEEP + ")."));
  }

  /** Takes the flags' values from {@code line}, the defaults for those not given. */
  void read(CommandLine line) throws ParseException {
    for (String s : CommandSpec.values(line, "socket-addr")) {
      int eq = s.indexOf('=');
      if (eq < 0) {
        throw new ParseException("Invalid value for option '--socket-addr': '" + s
            + "' is not NAME=HOST:PORT");
      }
      socketAddresses.put(s.substring(0, eq), s.substring(eq + 1));
    }
    cpuLimit = value(line, "cpu-limit", CPU_LIMIT, DurationConverter::convert);
    coldStartCpu = value(line, "cold-start-cpu", COLD_START_CPU, DurationConverter::convert);
    coldStartRequests = value(line, "cold-start-requests", COLD_START_REQUESTS, CommandSpec::integer);
    subrequestLimit = value(line, "subrequest-limit", SUBREQUEST_LIMIT, CommandSpec::integer);
    headerTimeout = value(line, "header-timeout", null, DurationConverter::convert);
    bodyTimeout = value(line, "body-timeout", null, DurationConverter::convert);
    idleTimeout = value(line, "idle-timeout", null, DurationConverter::convert);
    maxConnections = value(line, "max-connections", null, CommandSpec::integer);
    maxConnectionsPerIp = value(line, "max-connections-per-ip", null, CommandSpec::integer);
    ioThreads = value(line, "io-threads", null, CommandSpec::integer);
    adminAddress = value(line, "admin-addr");
    dataDirectory = value(line, "data-dir", null, Path::of);
    backendTimeout = value(line, "backend-timeout", BACKEND_TIMEOUT, DurationConverter::convert);
    maxBodySize = value(line, "max-body-size", null, SizeConverter::convert);
    accessLog = given(line, "access-log");
    auditLog = value(line, "audit-log");
    auditFailClosed = given(line, "audit-fail-closed");
    auditMaxBytes = value(line, "audit-max-bytes", AUDIT_MAX_BYTES, SizeConverter::convert);
    auditKeep = value(line, "audit-keep", AUDIT_KEEP, CommandSpec::integer);
  }

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
      // LogSetup leaves the request logger off unless capmesh.access.level says otherwise.
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
