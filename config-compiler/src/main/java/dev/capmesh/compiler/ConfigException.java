package dev.capmesh.compiler;

import java.util.List;

/**
 * Thrown when a config does not compile; carries every problem found in the run, in source
 * order.
 */
public final class ConfigException extends Exception {
  private static final long serialVersionUID = 1L;
  private final transient List<Diagnostic> diagnostics;

  /** Creates the exception; {@code diagnostics} must not be empty. */
  public ConfigException(List<Diagnostic> diagnostics) {
    super(summary(diagnostics));
    this.diagnostics = List.copyOf(diagnostics);
  }

  private static String summary(List<Diagnostic> diagnostics) {
    if (diagnostics.isEmpty()) {
      throw new IllegalArgumentException("diagnostics: [] (expected: at least one)");
    }
    return diagnostics.size() == 1
        ? diagnostics.get(0).toString()
        : diagnostics.get(0) + " (and " + (diagnostics.size() - 1) + " more)";
  }

  /** Every problem, in source order. */
  public List<Diagnostic> diagnostics() {
    return diagnostics;
  }

  /** All diagnostics formatted with their source lines, as the CLI prints them. */
  public String format() {
    var out = new StringBuilder();
    for (Diagnostic d : diagnostics) {
      out.append(d.format());
    }
    return out.toString();
  }
}
