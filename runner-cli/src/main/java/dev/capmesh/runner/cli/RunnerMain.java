package dev.capmesh.runner.cli;

import static java.util.Objects.requireNonNull;

import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point of {@code bin/runner}: {@code check}, {@code compile}, {@code plan} and
 * {@code capabilities} read config text; {@code serve} compiles it into a plan for the runner
 * core, and {@code agent} serves the control plane's plans without the compiler. Exit codes: 0
 * ok, 1 config errors, 2 usage errors. All I/O goes through the writers and stream given to the
 * constructor, so tests drive it in-process.
 */
@Command(name = "runner", mixinStandardHelpOptions = true, versionProvider = RunnerMain.Version.class,
    description = "Compiles and checks capmesh configs and serves them.",
    subcommands = {CheckCommand.class, CompileCommand.class, PlanCommand.class, CapabilitiesCommand.class,
        ServeCommand.class, AgentCommand.class, AuditCommand.class, TrainCommand.class,
        CommandLine.HelpCommand.class})
public final class RunnerMain implements java.util.concurrent.Callable<Integer> {
  /** Exit code for a config that does not compile. */
  public static final int CONFIG_ERRORS = 1;
  /** Exit code for bad command-line usage. */
  public static final int USAGE = 2;

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
    var cli = new CommandLine(this);
    cli.setOut(out);
    cli.setErr(err);
    cli.setExitCodeExceptionMapper(e -> USAGE);
    cli.setParameterExceptionHandler((ex, a) -> {
      err.println("runner: " + ex.getMessage());
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
    err.println("runner: a subcommand is required");
    new CommandLine(this).usage(err);
    return USAGE;
  }

  /** Runs the CLI on the process's standard streams and exits with its code. */
  public static void main(String[] args) {
    // Before anything else: the JIT's slow compilers run on spare CPU until a plan serves.
    dev.capmesh.runner.js.CompilerPriority.lowerDuringStart(dev.capmesh.runner.js.CompilerPriority.DEFAULT_BOUND);
    var out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
    var err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
    System.exit(new RunnerMain(out, err, System.out, System.console() != null).run(args));
  }

  /** {@code --version}: the release this build is of. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override public String[] getVersion() {
      return new String[] {"capmesh runner " + dev.capmesh.proto.BuildInfo.version()};
    }
  }
}
