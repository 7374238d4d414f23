package dev.capmesh.controlplane.cli;

import static java.util.Objects.requireNonNull;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point of {@code bin/control-plane}. All I/O goes through the writers given to the
 * constructor, so tests drive it in-process. Exit code 2 for usage errors.
 */
@Command(name = "control-plane", mixinStandardHelpOptions = true,
    description = "Compiles capmesh configs into runner plans and rolls them out to fleets.",
    subcommands = {DiffCommand.class, CommandLine.HelpCommand.class})
public final class ControlPlaneMain implements Callable<Integer> {
  /** Exit code for bad command-line usage. */
  public static final int USAGE = 2;

  final PrintWriter out;
  final PrintWriter err;

  /** A CLI writing to {@code out} and {@code err}. */
  public ControlPlaneMain(PrintWriter out, PrintWriter err) {
    this.out = requireNonNull(out, "out");
    this.err = requireNonNull(err, "err");
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
    int code = cli.execute(args);
    out.flush();
    err.flush();
    return code;
  }

  /** Without a subcommand: usage on stderr, exit code 2. */
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
    System.exit(new ControlPlaneMain(out, err).run(args));
  }
}
