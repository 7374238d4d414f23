package dev.capmesh.runner.cli;

import dev.capmesh.compiler.CompiledConfig;
import dev.capmesh.runner.Runner;
import dev.capmesh.runner.RunnerException;
import dev.capmesh.runner.RunnerOptions;
import dev.capmesh.runner.http.ConnectionLimits;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code runner serve config.capnp [const]}: serves every socket of the config until Ctrl-C,
 * which drains in-flight requests and exits. With {@code --watch}, edits to the config or the
 * files next to it are compiled and swapped in atomically; a version with errors is reported and
 * the running one keeps serving.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
    description = "Serve the config's sockets and workers until interrupted.")
final class ServeCommand implements Callable<Integer> {
  private static final long WATCH_INTERVAL_MS = 300;

  @ParentCommand RunnerMain main;
  @Mixin ConfigArgs args;

  @Option(names = "--socket-addr", paramLabel = "NAME=HOST:PORT",
      description = "Listen for socket NAME on HOST:PORT instead of the config's address (repeatable).")
  Map<String, String> socketAddresses = new LinkedHashMap<>();

  @Option(names = "--watch", description = "Reload when the config or the files beside it change.")
  boolean watch;

  @Option(names = "--cpu-limit", paramLabel = "TIME", converter = DurationConverter.class,
      description = "CPU time one request may use, e.g. 200ms or 1.5s (default: ${DEFAULT-VALUE}).",
      defaultValue = "200ms")
  java.time.Duration cpuLimit;

  @Option(names = "--cold-start-cpu", paramLabel = "TIME", converter = DurationConverter.class,
      description = "CPU time allowed to each of a freshly loaded worker's first requests, while its "
          + "code is still interpreted (default: ${DEFAULT-VALUE}; never below --cpu-limit).",
      defaultValue = "1s")
  java.time.Duration coldStartCpu;

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
  java.time.@Nullable Duration headerTimeout;

  @Option(names = "--body-timeout", paramLabel = "TIME", converter = DurationConverter.class,
      description = "Time the server waits for the next bytes of a request body it asked for; "
          + "then 408 and the connection closes (default: 30s).")
  java.time.@Nullable Duration bodyTimeout;

  @Option(names = "--idle-timeout", paramLabel = "TIME", converter = DurationConverter.class,
      description = "Time a keep-alive connection may wait for its next request (default: 60s).")
  java.time.@Nullable Duration idleTimeout;

  @Option(names = "--max-connections", paramLabel = "N",
      description = "Open connections per socket; more get a 503 and are closed (default: 10000, "
          + "or 3/4 of the open-file limit if lower).")
  @Nullable Integer maxConnections;

  @Option(names = "--max-connections-per-ip", paramLabel = "N",
      description = "Open connections per socket from one client address (IPv6: one /64) "
          + "(default: 1000, or half of --max-connections if lower).")
  @Nullable Integer maxConnectionsPerIp;

  @Override
  public Integer call() throws Exception {
    CompiledConfig compiled = args.compile(main);
    if (compiled == null) {
      return RunnerMain.CONFIG_ERRORS;
    }
    Path base = args.file.toAbsolutePath().normalize().getParent();
    if (coldStartRequests < 0 || subrequestLimit < 0) {
      main.err.println("runner: --cold-start-requests and --subrequest-limit must not be negative");
      main.err.flush();
      return RunnerMain.USAGE;
    }
    RunnerOptions defaults = RunnerOptions.defaults(base);
    ConnectionLimits connections;
    try {
      connections = connectionLimits(defaults.connectionLimits());
    } catch (IllegalArgumentException e) {
      main.err.println("runner: " + e.getMessage());
      main.err.flush();
      return RunnerMain.USAGE;
    }
    RunnerOptions options = defaults.withSocketAddresses(socketAddresses).withLimits(defaults.limits()
        .withCpuPerRequest(cpuLimit).withSubrequests(subrequestLimit)
        .withColdStart(coldStartCpu, coldStartRequests)).withConnectionLimits(connections);
    Runner runner;
    try {
      runner = Runner.start(compiled.config(), version(compiled), options);
    } catch (RunnerException e) {
      e.problems().forEach(p -> main.err.println("runner: " + p));
      main.err.flush();
      return RunnerMain.CONFIG_ERRORS;
    }
    var stopped = new CountDownLatch(1);
    Thread hook = new Thread(() -> {
      main.err.println("runner: stopping (draining in-flight requests)");
      main.err.flush();
      runner.close();
      stopped.countDown();
    }, "capmesh-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    printListening(runner, compiled);
    if (watch) {
      watchLoop(runner, base, stopped);
    }
    stopped.await();
    return 0;
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

  private void printListening(Runner runner, CompiledConfig compiled) {
    main.out.println("capmesh: serving " + args.file + " (version " + runner.version() + ")");
    main.out.println("  javascript: " + runner.javascriptRuntime());
    if (!runner.javascriptOptimized()) {
      main.err.println("runner: warning: JavaScript runs without the optimizing compiler; start the "
          + "runner with bin/runner, which passes the JVM flags that enable it");
      main.err.flush();
    }
    for (Map.Entry<String, InetSocketAddress> e : runner.listening().entrySet()) {
      InetSocketAddress a = e.getValue();
      String host = a.getAddress().isAnyLocalAddress() ? "0.0.0.0" : a.getAddress().getHostAddress();
      String target = compiled.config().sockets().stream().filter(s -> s.name().equals(e.getKey()))
          .findFirst().map(s -> s.service().toString()).orElse("?");
      main.out.println("  socket " + e.getKey() + ": http://"
          + (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort() + "/ -> service " + target);
    }
    main.out.flush();
  }

  private void watchLoop(Runner runner, Path base, CountDownLatch stopped) throws InterruptedException {
    main.out.println("capmesh: watching " + base + " for changes");
    main.out.flush();
    long last = fingerprint(base);
    while (stopped.getCount() > 0) {
      Thread.sleep(WATCH_INTERVAL_MS);
      long now = fingerprint(base);
      if (now == last) {
        continue;
      }
      last = now;
      CompiledConfig next = args.compile(main);
      if (next == null) {
        main.err.println("runner: the changed config has errors; still serving version " + runner.version());
        main.err.flush();
        continue;
      }
      try {
        runner.reload(next.config(), version(next));
        main.out.println("capmesh: reloaded, now serving version " + runner.version());
      } catch (RunnerException e) {
        e.problems().forEach(p -> main.err.println("runner: " + p));
        main.err.println("runner: still serving version " + runner.version());
      }
      main.out.flush();
      main.err.flush();
    }
  }

  /** A cheap summary of the sizes and modification times of the files under {@code dir}. */
  static long fingerprint(Path dir) {
    try (Stream<Path> files = Files.walk(dir, 6)) {
      return files.filter(Files::isRegularFile)
          .filter(p -> !p.toString().contains("/.") && !p.toString().contains("/target/"))
          .mapToLong(p -> {
            try {
              return p.hashCode() * 31L + Files.getLastModifiedTime(p).toMillis() * 17L + Files.size(p);
            } catch (IOException e) {
              return p.hashCode();
            }
          }).sum();
    } catch (IOException | java.io.UncheckedIOException e) {
      return 0;
    }
  }

  /** The first 12 hex digits of the SHA-256 of the config binary. */
  static String version(CompiledConfig compiled) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(compiled.binary());
      return HexFormat.of().formatHex(digest, 0, 6);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
