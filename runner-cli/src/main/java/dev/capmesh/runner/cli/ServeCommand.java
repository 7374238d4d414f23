package dev.capmesh.runner.cli;

import dev.capmesh.proto.PlanDigest;
import dev.capmesh.runner.Runner;
import dev.capmesh.runner.RunnerException;
import dev.capmesh.runner.RunnerOptions;
import dev.capmesh.runner.audit.AuditLog;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;
import org.apache.commons.cli.ParseException;
import org.jspecify.annotations.Nullable;

/**
 * {@code runner serve config.capnp [const]}: compiles the config into a plan, serves every socket
 * of it until Ctrl-C (which drains in-flight requests and exits). With {@code --watch}, edits to
 * the config or the files next to it are compiled and the new plan swapped in atomically; a
 * version with errors is reported and the running one keeps serving. With {@code --audit-log},
 * every binding use is written to the audit log (see {@link AuditLog}), which is closed after
 * the runner drained. The runner core sees only plans, through a {@link ConfigFileSource}.
 */
final class ServeCommand implements CommandSpec.Action {
  static final CommandSpec SPEC = CommandSpec.of("serve",
      List.of("Serve the config's sockets and workers until interrupted."),
      ConfigArgs.ARGUMENTS, ServeCommand::options, ServeCommand::new);

  final RunnerMain main;
  final ConfigArgs args = new ConfigArgs();
  final RunnerFlags flags = new RunnerFlags();
  boolean watch;
  @Nullable String runnerId;

  ServeCommand(RunnerMain main) {
    this.main = main;
  }

  static Options options() {
    return RunnerFlags.options()
        .addOption(CommandSpec.flag("watch", "Reload when the config or the files beside it change."))
        .addOption(CommandSpec.option("runner-id", "ID", "This runner's id in audit lines (default: the host name)."));
  }

  @Override
  public void read(CommandLine line) throws ParseException {
    args.read(line);
    flags.read(line);
    watch = CommandSpec.given(line, "watch");
    runnerId = CommandSpec.value(line, "runner-id");
  }

  @Override
  public Integer call() throws Exception {
    Path base = args.file.toAbsolutePath().normalize().getParent();
    RunnerOptions options;
    AuditLog audit;
    try {
      options = flags.options(base);
      audit = flags.openAuditLog(runnerId != null ? runnerId : RunnerFlags.hostName(main.environment),
          main.binaryOut);
    } catch (IllegalArgumentException e) {
      main.err.println("runner: " + e.getMessage());
      main.err.flush();
      return RunnerMain.USAGE;
    } catch (IOException e) {
      main.err.println("runner: cannot write the audit log " + flags.auditLog + ": " + e.getMessage());
      main.err.flush();
      return RunnerMain.USAGE;
    }
    AdminEndpoint admin;
    try {
      admin = AdminEndpoint.start(flags.adminAddress, main);
    } catch (IllegalArgumentException e) {
      main.err.println("runner: " + e.getMessage());
      main.err.flush();
      return RunnerMain.USAGE;
    } catch (IllegalStateException e) {
      main.err.println("runner: " + e.getMessage());
      main.err.flush();
      return RunnerMain.CONFIG_ERRORS;
    }
    if (audit != null) {
      options = options.withBindingListener(audit);
    }
    if (admin != null) {
      options = admin.instrument(options);
    }
    // With the audit log on standard output, the human-readable lines go to standard error.
    PrintWriter out = flags.auditToStdout() ? main.err : main.out;
    var source = new ConfigFileSource(() -> args.compile(main), watch ? base : null, out, main.err);
    Runner runner = Runner.create(options);
    if (admin != null) {
      admin.attach(runner);
    }
    if (audit != null) {
      audit.redactor(runner::redactSecrets);
    }
    try {
      source.start(runner);
    } catch (ConfigFileSource.ConfigErrors e) {
      runner.close();
      closeAdmin(admin);
      closeQuietly(audit);
      return RunnerMain.CONFIG_ERRORS;
    } catch (RunnerException e) {
      runner.close();
      closeAdmin(admin);
      closeQuietly(audit);
      e.problems().forEach(p -> main.err.println("runner: " + p));
      main.err.flush();
      return RunnerMain.CONFIG_ERRORS;
    }
    var stopped = new CountDownLatch(1);
    Thread hook = new Thread(() -> {
      main.err.println("runner: stopping (draining in-flight requests)");
      main.err.flush();
      source.close();
      runner.close();
      closeAdmin(admin);
      closeQuietly(audit);
      stopped.countDown();
    }, "capmesh-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    printListening(out, main.err, runner, args.file.toString());
    if (audit != null) {
      out.println("  audit log: " + (flags.auditToStdout() ? "standard output" : flags.auditLog)
          + (flags.auditFailClosed ? " (fail closed)" : ""));
      out.flush();
    }
    stopped.await();
    return 0;
  }

  /** Stops {@code admin}, if there is one (after the runner: /readyz says 503 while it drains). */
  static void closeAdmin(@org.jspecify.annotations.Nullable AdminEndpoint admin) {
    if (admin != null) {
      admin.close();
    }
  }

  static void closeQuietly(@Nullable AuditLog audit) {
    if (audit != null) {
      audit.close();
    }
  }

  /** The startup lines: what is served, by which JavaScript engine, on which addresses. */
  static void printListening(RunnerMain main, Runner runner, String what) {
    printListening(main.out, main.err, runner, what);
  }

  /** The startup lines, to {@code out} (warnings to {@code err}). */
  static void printListening(PrintWriter out, PrintWriter err, Runner runner, String what) {
    out.println("capmesh: serving " + what + " (version " + PlanDigest.shortVersion(runner.version()) + ")");
    out.println("  javascript: " + runner.javascriptRuntime());
    out.println("  heap: up to " + (Runtime.getRuntime().maxMemory() >> 20) + " MiB (CAPMESH_HEAP to change)");
    if (!runner.javascriptOptimized()) {
      err.println("runner: warning: JavaScript runs without the optimizing compiler; start the "
          + "runner with bin/runner, which passes the JVM flags that enable it");
      err.flush();
    }
    Map<String, String> targets = runner.socketTargets();
    for (Map.Entry<String, InetSocketAddress> e : runner.listening().entrySet()) {
      InetSocketAddress a = e.getValue();
      String host = a.getAddress().isAnyLocalAddress() ? "0.0.0.0" : a.getAddress().getHostAddress();
      out.println("  socket " + e.getKey() + ": http://"
          + (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort() + "/ -> service "
          + targets.getOrDefault(e.getKey(), "?"));
    }
    out.flush();
  }
}
