package dev.capmesh.runner.cli;

import dev.capmesh.compiler.CompiledConfig;
import dev.capmesh.compiler.support.CompileReport;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Parameters;

/** The {@code config.capnp [constName]} arguments shared by the subcommands, and compiling them. */
final class ConfigArgs {
  @Parameters(index = "0", paramLabel = "CONFIG", description = "the config file (.capnp text)")
  Path file;

  @Parameters(index = "1", arity = "0..1", paramLabel = "CONST",
      description = "which Config constant to use, if the file declares several")
  @Nullable String constName;

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
