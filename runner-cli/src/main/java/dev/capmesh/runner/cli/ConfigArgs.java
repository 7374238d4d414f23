package dev.capmesh.runner.cli;

import dev.capmesh.compiler.CompiledConfig;
import dev.capmesh.compiler.support.CompileReport;
import java.nio.file.Path;
import java.util.List;
import org.apache.commons.cli.CommandLine;
import org.jspecify.annotations.Nullable;

/** The {@code config.capnp [constName]} arguments shared by the subcommands, and compiling them. */
final class ConfigArgs {
  /** {@code CONFIG [CONST]}. */
  static final List<CommandSpec.Argument> ARGUMENTS = List.of(
      new CommandSpec.Argument("CONFIG", 1, 1, "the config file (.capnp text)"),
      new CommandSpec.Argument("CONST", 0, 1, "which Config constant to use, if the file declares several"));

  Path file;
  @Nullable String constName;

  /** Takes the arguments from {@code line} (counted against {@link #ARGUMENTS} already). */
  void read(CommandLine line) {
    List<String> args = line.getArgList();
    file = Path.of(args.get(0));
    constName = args.size() > 1 ? args.get(1) : null;
  }

  /** Compiles, printing diagnostics to {@code main.err}; null if it did not compile. */
  @Nullable CompiledConfig compile(RunnerMain main) {
    return CompileReport.compile(file, constName, main.err, "runner");
  }

  /**
   * Like {@link #compile}, and also refuses (printing where) what this runner cannot serve yet,
   * by {@code RunnerSupport}. {@code serve} does not call this: the runner refuses the same
   * things when it builds the workers, together with code that does not load, in one run.
   */
  @Nullable CompiledConfig compileServable(RunnerMain main) {
    return CompileReport.compileServable(file, constName, main.err, "runner");
  }
}
