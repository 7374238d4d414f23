package dev.capmesh.compiler.support;

import static java.util.Objects.requireNonNull;

import dev.capmesh.compiler.CompiledConfig;
import dev.capmesh.compiler.ConfigCompiler;
import dev.capmesh.compiler.ConfigException;
import dev.capmesh.compiler.Diagnostic;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Compiles a config file for a command and prints what is wrong exactly as {@code runner check}
 * does: every diagnostic with its caret line, then {@code N errors}. Shared by the runner's
 * and the control plane's commands so that both report the same errors. Stateless.
 */
public final class CompileReport {
  private CompileReport() {}

  /**
   * Compiles {@code file} (its {@code constName} constant, or the only one), printing warnings
   * and errors to {@code err}; {@code program} prefixes I/O errors ({@code "runner"}). Null if
   * it did not compile.
   */
  public static @Nullable CompiledConfig compile(Path file, @Nullable String constName,
      PrintWriter err, String program) {
    requireNonNull(file, "file");
    requireNonNull(err, "err");
    if (!Files.isRegularFile(file)) {
      err.println(program + ": " + file + ": no such file");
      return null;
    }
    try {
      CompiledConfig compiled = ConfigCompiler.create().compile(file, constName);
      for (Diagnostic w : compiled.warnings()) {
        err.print(w.format());
      }
      return compiled;
    } catch (ConfigException e) {
      err.print(e.format());
      int n = e.diagnostics().size();
      err.println(n + (n == 1 ? " error" : " errors"));
      return null;
    } catch (IOException e) {
      err.println(program + ": " + e.getMessage());
      return null;
    }
  }

  /**
   * Like {@link #compile}, and also refuses (printing where) what the runner cannot serve yet,
   * by {@link RunnerSupport}: the errors of {@code runner check}.
   */
  public static @Nullable CompiledConfig compileServable(Path file, @Nullable String constName,
      PrintWriter err, String program) {
    CompiledConfig compiled = compile(file, constName, err, program);
    if (compiled == null) {
      return null;
    }
    for (Diagnostic w : RunnerSupport.warnings(compiled)) {
      err.print(w.format());
    }
    List<Diagnostic> unsupported = RunnerSupport.check(compiled);
    if (unsupported.isEmpty()) {
      return compiled;
    }
    for (Diagnostic d : unsupported) {
      err.print(d.format());
    }
    int n = unsupported.size();
    err.println(n + (n == 1 ? " error" : " errors") + ": this runner cannot serve the config yet"
        + " (it is valid: runner compile accepts it)");
    return null;
  }
}
