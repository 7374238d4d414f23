package dev.capmesh.runner.cli;

import dev.capmesh.compiler.CompiledConfig;
import dev.capmesh.compiler.ConfigCompiler;
import dev.capmesh.compiler.ConfigException;
import dev.capmesh.compiler.Diagnostic;
import dev.capmesh.compiler.support.RunnerSupport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
    if (!Files.isRegularFile(file)) {
      main.err.println("runner: " + file + ": no such file");
      return null;
    }
    try {
      CompiledConfig compiled = ConfigCompiler.create().compile(file, constName);
      for (Diagnostic w : compiled.warnings()) {
        main.err.print(w.format());
      }
      return compiled;
    } catch (ConfigException e) {
      main.err.print(e.format());
      int n = e.diagnostics().size();
      main.err.println(n + (n == 1 ? " error" : " errors"));
      return null;
    } catch (IOException e) {
      main.err.println("runner: " + e.getMessage());
      return null;
    }
  }

  /**
   * Like {@link #compile}, and also refuses (printing where) what this runner cannot serve yet,
   * by {@link RunnerSupport}. {@code serve} does not call this: the runner refuses the same
   * things when it builds the workers, together with code that does not load, in one run.
   */
  @Nullable CompiledConfig compileServable(RunnerMain main) {
    CompiledConfig compiled = compile(main);
    if (compiled == null) {
      return null;
    }
    List<Diagnostic> unsupported = RunnerSupport.check(compiled);
    if (unsupported.isEmpty()) {
      return compiled;
    }
    for (Diagnostic d : unsupported) {
      main.err.print(d.format());
    }
    int n = unsupported.size();
    main.err.println(n + (n == 1 ? " error" : " errors") + ": this runner cannot serve the config yet"
        + " (it is valid: runner compile accepts it)");
    return null;
  }
}
