package dev.capmesh.runner.cli;

import dev.capmesh.proto.v1.RunnerPlan;
import dev.capmesh.runner.Runner;
import dev.capmesh.runner.observe.BindingListener;
import dev.capmesh.runner.RunnerOptions;
import dev.capmesh.runner.agent.AgentListener;
import dev.capmesh.runner.agent.AgentOptions;
import dev.capmesh.runner.agent.ControlPlaneSource;
import dev.capmesh.runner.agent.FleetToken;
import dev.capmesh.runner.agent.PlanStore;
import dev.capmesh.runner.audit.AuditLog;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.concurrent.CountDownLatch;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.apache.commons.cli.ParseException;
import org.jspecify.annotations.Nullable;

/**
 * {@code runner agent --control-plane HOST:PORT --fleet NAME --data DIR}: serves the plans the
 * control plane sends this runner's fleet, ACKing or NACKing each, until Ctrl-C. Serves the plan
 * persisted in {@code DIR} while the control plane is unreachable. Never compiles config text:
 * the runner core sees only plans, through a {@link ControlPlaneSource}.
 */
final class AgentCommand implements CommandSpec.Action {
  static final CommandSpec SPEC = CommandSpec.of("agent",
      List.of("Serve the plans the control plane sends this runner's fleet until interrupted.",
          "The fleet token comes from --token-file or the environment variable "
              + FleetToken.ENVIRONMENT_VARIABLE + ", never from the command line."),
      List.of(), AgentCommand::options, AgentCommand::new);

  final RunnerMain main;
  final RunnerFlags flags = new RunnerFlags();
  String controlPlane;
  String fleet;
  Path data;
  @Nullable String runnerId;
  @Nullable Path tokenFile;

  AgentCommand(RunnerMain main) {
    this.main = main;
  }

  static Options options() {
    return RunnerFlags.options()
        .addOption(required(CommandSpec.option("control-plane", "HOST:PORT", "The control plane's gRPC address.")))
        .addOption(required(CommandSpec.option("fleet", "NAME", "The fleet to serve.")))
        .addOption(required(CommandSpec.option("data", "DIR",
            "Where the last applied plan and the runner id are kept; relative disk paths of plans "
                + "resolve against it.")))
        .addOption(CommandSpec.option("runner-id", "ID",
            "This runner's id in the fleet (default: generated once and kept in DIR)."))
        .addOption(CommandSpec.option("token-file", "FILE",
            "File holding the fleet's bootstrap token (default: $" + FleetToken.ENVIRONMENT_VARIABLE + ")."));
  }

  private static Option required(Option option) {
    option.setRequired(true);
    return option;
  }

  @Override
  public void read(CommandLine line) throws ParseException {
    flags.read(line);
    controlPlane = CommandSpec.value(line, "control-plane");
    fleet = CommandSpec.value(line, "fleet");
    data = CommandSpec.value(line, "data", null, Path::of);
    runnerId = CommandSpec.value(line, "runner-id");
    tokenFile = CommandSpec.value(line, "token-file", null, Path::of);
  }

  @Override
  public Integer call() throws Exception {
    Path dir = data.toAbsolutePath().normalize();
    FleetToken token;
    RunnerOptions options;
    try {
      token = token();
      options = flags.options(dir);
      // Checks the address, fleet and id before the data directory is created; the generated
      // id, when none is given, is known only once the directory is open.
      AgentOptions.of(controlPlane, fleet, runnerId == null ? "unset" : runnerId);
    } catch (IllegalArgumentException | IOException e) {
      return fail(e.getMessage(), RunnerMain.USAGE);
    }
    PlanStore store;
    try {
      store = PlanStore.open(dir, Clock.systemUTC());
    } catch (IOException e) {
      return fail(e.getMessage(), RunnerMain.CONFIG_ERRORS);
    }
    String host = RunnerFlags.hostName(main.environment);
    String id;
    try {
      id = runnerId != null ? runnerId : store.runnerId(host, new SecureRandom());
    } catch (IOException e) {
      store.close();
      return fail(e.getMessage(), RunnerMain.CONFIG_ERRORS);
    }
    AgentOptions agentOptions = AgentOptions.of(controlPlane, fleet, id).withAgent("capmesh runner, host " + host);
    AdminEndpoint admin;
    try {
      admin = AdminEndpoint.start(flags.adminAddress, main);
    } catch (IllegalArgumentException e) {
      store.close();
      return fail(e.getMessage(), RunnerMain.USAGE);
    } catch (IllegalStateException e) {
      store.close();
      return fail(e.getMessage(), RunnerMain.CONFIG_ERRORS);
    }
    if (admin != null) {
      options = admin.instrument(options);
    }
    if (!isLoopback(agentOptions.host())) {
      main.err.println("runner: warning: the connection to " + agentOptions.address()
          + " is not encrypted; the fleet token crosses the network in clear text");
      main.err.flush();
    }
    AuditLog audit;
    try {
      audit = flags.openAuditLog(id, main.binaryOut);
    } catch (IllegalArgumentException | IOException e) {
      store.close();
      ServeCommand.closeAdmin(admin);
      return fail("cannot write the audit log " + flags.auditLog + ": " + e.getMessage(), RunnerMain.USAGE);
    }
    if (audit != null) {
      // The metrics' listener (if any) goes on hearing every use too.
      options = options.withBindingListener(options.bindingListener() == BindingListener.NONE ? audit
          : BindingListener.all(List.of(audit, options.bindingListener())));
    }
    // With the audit log on standard output, the human-readable lines go to standard error.
    PrintWriter out = flags.auditToStdout() ? main.err : main.out;
    Runner runner = Runner.create(options);
    if (admin != null) {
      admin.attach(runner);
    }
    if (audit != null) {
      audit.redactor(runner::redactSecrets);
    }
    AgentOptions shown = agentOptions;
    var source = new ControlPlaneSource(agentOptions, token, store, new AgentListener() {
      @Override
      public void started(String servedVersion) {
        out.println("capmesh agent: fleet " + shown.fleet() + ", runner " + shown.runnerId()
            + ", control plane " + shown.address() + ", data " + dir);
        if (servedVersion.isEmpty()) {
          out.println("capmesh: no persisted plan; waiting for the control plane to send one");
          out.flush();
        } else {
          ServeCommand.printListening(out, main.err, runner, "the persisted plan of fleet " + shown.fleet());
        }
      }

      @Override
      public void applied(RunnerPlan plan) {
        ServeCommand.printListening(out, main.err, runner, "the control plane's plan of fleet " + shown.fleet());
      }
    });
    var stopped = new CountDownLatch(1);
    Thread hook = new Thread(() -> {
      main.err.println("runner: stopping (draining in-flight requests)");
      main.err.flush();
      source.close();
      runner.close();
      ServeCommand.closeAdmin(admin);
      ServeCommand.closeQuietly(audit);
      store.close();
      stopped.countDown();
    }, "capmesh-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      source.start(runner);
    } catch (IllegalStateException e) {
      // Stopped before the first plan arrived; the hook cleans up.
      stopped.await();
      return 0;
    } catch (IOException e) {
      Runtime.getRuntime().removeShutdownHook(hook);
      source.close();
      runner.close();
      ServeCommand.closeAdmin(admin);
      ServeCommand.closeQuietly(audit);
      store.close();
      return fail("cannot read the data directory " + dir + ": " + e.getMessage(), RunnerMain.CONFIG_ERRORS);
    }
    stopped.await();
    return 0;
  }

  private FleetToken token() throws IOException {
    if (tokenFile != null) {
      return FleetToken.fromFile(tokenFile);
    }
    String value = main.environment.apply(FleetToken.ENVIRONMENT_VARIABLE);
    if (value == null) {
      throw new IllegalArgumentException("no fleet token: give --token-file FILE or set "
          + FleetToken.ENVIRONMENT_VARIABLE);
    }
    return FleetToken.fromEnvironment(value);
  }

  private int fail(String message, int code) {
    main.err.println("runner: " + message);
    main.err.flush();
    return code;
  }

  private static boolean isLoopback(String host) {
    return host.equals("localhost") || host.startsWith("127.") || host.equals("::1");
  }
}
