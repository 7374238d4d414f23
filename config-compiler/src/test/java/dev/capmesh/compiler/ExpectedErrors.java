package dev.capmesh.compiler;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The golden-file form of diagnostics shared by the invalid-config tests. */
public final class ExpectedErrors {
  private ExpectedErrors() {}

  /**
   * One line {@code NAME.capnp:line:col: error: message} per diagnostic, then its
   * {@code    hint: ...} line, with the test directory stripped from every path.
   */
  public static String render(Path file, List<Diagnostic> diagnostics) {
    var lines = new ArrayList<String>();
    String prefix = file.getParent() + "/";
    for (Diagnostic d : diagnostics) {
      lines.add((d.span().location() + ": error: " + d.message()).replace(prefix, ""));
      if (d.hint() != null) {
        lines.add("    hint: " + d.hint());
      }
    }
    return String.join("\n", lines) + "\n";
  }
}
