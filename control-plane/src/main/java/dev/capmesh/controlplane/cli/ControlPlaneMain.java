package dev.capmesh.controlplane.cli;

import static java.util.Objects.requireNonNull;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point of {@code bin/control-plane}: {@code serve} runs a control plane; {@code push},
 * {@code status}, {@code rollback} and {@code history} talk to one; {@code diff} compares two
 * configs' privileges. Exit codes of the operator commands: 0 done (rollout completed), 1
 * refused (config errors, or the control plane refused the call), 2 cannot reach the control
 * plane or bad usage, 3 the rollout was rolled back ({@code diff} has its own, as diff(1)).
 * All I/O goes through the writers and environment given to the constructor, so tests drive
 * it in-process.
 */
@Command(name = "control-plane", mixinStandardHelpOptions = true, versionProvider = ControlPlaneMain.Version.class,
    description = "Runs the capmesh control plane and rolls configs out to fleets of runners.",
    subcommands = {
        ServeCommand.class,
        PushCommand.class,
        StatusCommand.class,
        RollbackCommand.class,
        HistoryCommand.class,
        DiffCommand.class,
        CommandLine.HelpCommand.class,
    })
public final class ControlPlaneMain implements Callable<Integer> {
  /** The command did what it was asked (a rollout completed). */
  public static final int OK = 0;
  /** A config with errors, or a call the control plane refused. */
  public static final int REFUSED = 1;
  /** The control plane cannot be reached (or the command line was wrong: {@link #USAGE}). */
  public static final int UNREACHABLE = 2;
  /** The rollout failed and the fleet was rolled back. */
  public static final int ROLLED_BACK = 3;
  /** Bad command-line usage: 2, as for {@code bin/runner} and {@code diff}. */
  public static final int USAGE = 2;

  final PrintWriter out;
  final PrintWriter err;
  final boolean outIsTerminal;
  final Map<String, String> env;
  /** The control plane {@code serve} started (tests stop it through this). */
  volatile dev.capmesh.controlplane.@org.jspecify.annotations.Nullable ControlPlaneServer serving;

  /** A CLI writing to {@code out} and {@code err}, with no environment and no terminal. */
  public ControlPlaneMain(PrintWriter out, PrintWriter err) {
    this(out, err, false, Map.of());
  }

  /** A CLI writing to {@code out} and {@code err}, reading {@code env} for tokens and defaults. */
  public ControlPlaneMain(PrintWriter out, PrintWriter err, boolean outIsTerminal,
      Map<String, String> env) {
    this.out = requireNonNull(out, "out");
    this.err = requireNonNull(err, "err");
    this.outIsTerminal = outIsTerminal;
    this.env = Map.copyOf(requireNonNull(env, "env"));
  }

  /** Runs {@code args} and returns the exit code. */
  public int run(String... args) {
    var cli = new CommandLine(this);
    cli.setOut(out);
    cli.setErr(err);
    cli.setExitCodeExceptionMapper(e -> USAGE);
    cli.setParameterExceptionHandler((ex, a) -> {
      err.println("control-plane: " + ex.getMessage());
      ex.getCommandLine().usage(err);
      err.flush();
      return USAGE;
    });
    cli.setExecutionExceptionHandler((ex, c, p) -> {
      err.println("control-plane: " + ex.getMessage());
      err.flush();
      return ex instanceof IllegalArgumentException ? USAGE : REFUSED;
    });
    int code = cli.execute(args);
    out.flush();
    err.flush();
    return code;
  }

  /** Without a subcommand: usage on stderr. */
  @Override
  public Integer call() {
    err.println("control-plane: a subcommand is required");
    new CommandLine(this).usage(err);
    return USAGE;
  }

  /** Runs the CLI on the process's standard streams and exits with its code. */
  public static void main(String[] args) {
    var out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
    var err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
    System.exit(new ControlPlaneMain(out, err, System.console() != null, System.getenv()).run(args));
  }

  /** {@code --version}: the release this build is of. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override public String[] getVersion() {
      return new String[] {"capmesh control-plane " + dev.capmesh.proto.BuildInfo.version()};
    }
  }
}
