package dev.capmesh.controlplane.cli;

import dev.capmesh.compiler.CompiledConfig;
import dev.capmesh.compiler.ConfigCompiler;
import dev.capmesh.compiler.ConfigException;
import dev.capmesh.compiler.Diagnostic;
import dev.capmesh.compiler.resolve.PrivilegeDiff;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code control-plane diff OLD NEW [--json]}: the privileges each worker gains and loses between
 * two configs, compared after {@code inherit} and {@code parameter} are resolved. Exit status as
 * diff(1): 0 nothing changed, 1 privileges differ, 2 a config does not compile (or bad usage).
 */
@Command(name = "diff", mixinStandardHelpOptions = true,
    description = {"Show the privileges each worker gains and loses between two configs, and the "
        + "sockets whose exposure changes, so a reviewer sees what a change grants before it is pushed.",
        "Secret values are never printed; a changed secret shows as \"secret NAME changed\"."},
    exitCodeListHeading = "Exit status:%n",
    exitCodeList = {"0:no privilege changed", "1:privileges differ",
        "2:a config does not compile, a file is missing or unreadable, or bad usage"})
final class DiffCommand implements Callable<Integer> {
  static final int SAME = 0;
  static final int DIFFERENT = 1;
  /** Also for bad usage and for any failure: never 1, which a script reads as "differ". */
  static final int CONFIG_ERRORS = 2;

  // The writers come from the CommandLine (setOut/setErr), not from fields of the main class, so
  // the command does not depend on how ControlPlaneMain is written.
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "OLD", description = "the config as it is (.capnp text)")
  Path before;

  @Parameters(index = "1", paramLabel = "NEW", description = "the config as proposed (.capnp text)")
  Path after;

  @Option(names = "--const", paramLabel = "NAME",
      description = "the Config constant to compare, when the files declare several")
  @Nullable String constName;

  @Option(names = "--json", description = "print JSON instead of text")
  boolean json;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try {
      return diff(out, err);
    } catch (RuntimeException e) {
      // Never let a failure fall through to picocli's default status 1, which here means "differ".
      err.println("control-plane diff: " + e);
      return CONFIG_ERRORS;
    } finally {
      out.flush();
      err.flush();
    }
  }

  private int diff(PrintWriter out, PrintWriter err) {
    ConfigCompiler compiler = ConfigCompiler.create();
    // Compile both before giving up, so one run shows the errors of both files.
    CompiledConfig old = compile(compiler, before, err);
    CompiledConfig neu = compile(compiler, after, err);
    if (old == null || neu == null) {
      return CONFIG_ERRORS;
    }
    PrivilegeDiff diff = PrivilegeDiff.between(old.config(), neu.config());
    out.print(json ? diff.toJson() : diff.toText());
    return diff.isEmpty() ? SAME : DIFFERENT;
  }

  private @Nullable CompiledConfig compile(ConfigCompiler compiler, Path file, PrintWriter err) {
    if (!Files.isRegularFile(file)) {
      err.println("control-plane diff: " + file + ": no such file");
      return null;
    }
    try {
      CompiledConfig compiled = compiler.compile(file, constName);
      for (Diagnostic w : compiled.warnings()) {
        err.print(w.format());
      }
      return compiled;
    } catch (ConfigException e) {
      err.print(e.format());
      int n = e.diagnostics().size();
      err.println(n + (n == 1 ? " error" : " errors") + " in " + file);
      return null;
    } catch (IOException e) {
      err.println("control-plane diff: " + e.getMessage());
      return null;
    }
  }
}
