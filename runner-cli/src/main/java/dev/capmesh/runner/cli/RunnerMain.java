package dev.capmesh.runner.cli;

import static java.util.Objects.requireNonNull;

import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Entry point of {@code bin/runner}: {@code check}, {@code compile}, {@code plan} and
 * {@code capabilities} read config text; {@code serve} compiles it into a plan for the runner
 * core, and {@code agent} serves the control plane's plans without the compiler. Exit codes: 0
 * ok, 1 config errors, 2 usage errors. All I/O goes through the writers and stream given to the
 * constructor, so tests drive it in-process.
 */
public final class RunnerMain {
  /** Exit code for a config that does not compile. */
  public static final int CONFIG_ERRORS = 1;
  /** Exit code for bad command-line usage. */
  public static final int USAGE = 2;

  /** The commands, in the order the usage lists them. */
  static final CommandSpec COMMANDS = CommandSpec.group("runner",
      List.of("Compiles and checks capmesh configs and serves them."),
      List.of(CheckCommand.SPEC, CompileCommand.SPEC, PlanCommand.SPEC, CapabilitiesCommand.SPEC,
          ServeCommand.SPEC, AgentCommand.SPEC, AuditCommand.SPEC, TrainCommand.SPEC));

  final PrintWriter out;
  final PrintWriter err;
  final OutputStream binaryOut;
  final boolean binaryOutIsTerminal;
  /** The process environment (agent mode reads its fleet token from it). */
  final Function<String, @Nullable String> environment;

  /**
   * A CLI writing text to {@code out} and {@code err}, and binary output to {@code binaryOut}
   * (refused when {@code binaryOutIsTerminal}).
   */
  public RunnerMain(PrintWriter out, PrintWriter err, OutputStream binaryOut, boolean binaryOutIsTerminal) {
    this(out, err, binaryOut, binaryOutIsTerminal, System::getenv);
  }

  /** The same, reading environment variables through {@code environment}. */
  public RunnerMain(PrintWriter out, PrintWriter err, OutputStream binaryOut, boolean binaryOutIsTerminal,
      Function<String, @Nullable String> environment) {
    this.environment = requireNonNull(environment, "environment");
    this.out = requireNonNull(out, "out");
    this.err = requireNonNull(err, "err");
    this.binaryOut = requireNonNull(binaryOut, "binaryOut");
    this.binaryOutIsTerminal = binaryOutIsTerminal;
  }

  /** Runs {@code args} and returns the exit code. */
  public int run(String... args) {
    int code = new CommandDispatcher(this).run(COMMANDS, List.of(args));
    out.flush();
    err.flush();
    return code;
  }

  /** Runs the CLI on the process's standard streams and exits with its code. */
  public static void main(String[] args) {
    // Before anything else: the JIT's slow compilers run on spare CPU until a plan serves.
    dev.capmesh.runner.js.CompilerPriority.lowerDuringStart(dev.capmesh.runner.js.CompilerPriority.DEFAULT_BOUND);
    var out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
    var err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
    System.exit(new RunnerMain(out, err, System.out, System.console() != null).run(args));
  }

  /** What {@code --version} prints: the release this build is of. */
  static String version() {
    return "capmesh runner " + dev.capmesh.proto.BuildInfo.version();
  }
}
