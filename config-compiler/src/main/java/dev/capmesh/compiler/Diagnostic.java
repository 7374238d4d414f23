package dev.capmesh.compiler;

import static java.util.Objects.requireNonNull;

import dev.capmesh.compiler.source.Span;
import org.jspecify.annotations.Nullable;

/**
 * One problem found in a config, positioned at the source text that caused it.
 *
 * @param span where the problem is
 * @param severity how bad it is
 * @param message what is wrong, one sentence
 * @param hint how to fix it, where that is obvious; else {@code null}
 */
public record Diagnostic(Span span, Severity severity, String message, @Nullable String hint) {

  /** How bad a diagnostic is. Only errors stop a compile. */
  public enum Severity {
    ERROR,
    WARNING;

    String label() {
      return this == ERROR ? "error" : "warning";
    }
  }

  public Diagnostic {
    requireNonNull(span, "span");
    requireNonNull(severity, "severity");
    requireNonNull(message, "message");
  }

  /** An error without a hint. */
  public static Diagnostic error(Span span, String message) {
    return new Diagnostic(span, Severity.ERROR, message, null);
  }

  /** An error with a hint. */
  public static Diagnostic error(Span span, String message, @Nullable String hint) {
    return new Diagnostic(span, Severity.ERROR, message, hint);
  }

  /**
   * The diagnostic as printed: {@code path:line:col: error: message}, then the source line, a
   * caret line under the offending range, and the hint if there is one.
   */
  public String format() {
    int line = span.line();
    int column = span.column();
    String text = span.source().lineText(line);
    var out = new StringBuilder();
    out.append(span.source().path()).append(':').append(line).append(':').append(column)
        .append(": ").append(severity.label()).append(": ").append(message).append('\n');
    String expanded = text.replace('\t', ' ');
    out.append("    ").append(expanded).append('\n');
    int width = 1;
    if (span.end() > span.start() && span.source().lineOf(span.end() - 1) == line) {
      width = Math.max(1, span.source().text().codePointCount(span.start(), span.end()));
    }
    out.append("    ").append(" ".repeat(column - 1)).append('^');
    if (width > 1) {
      out.append("~".repeat(Math.min(width - 1, Math.max(0, expanded.length() - column))));
    }
    out.append('\n');
    if (hint != null) {
      out.append("    hint: ").append(hint).append('\n');
    }
    return out.toString();
  }

  @Override
  public String toString() {
    return span.location() + ": " + severity.label() + ": " + message;
  }
}
