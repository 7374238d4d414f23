package dev.capmesh.compiler;

import dev.capmesh.compiler.source.Span;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Collects diagnostics during one compile so that every problem is reported in one run. Not
 * thread-safe.
 */
public final class Diagnostics {
  /** Stop collecting after this many errors: later ones are mostly follow-on noise. */
  static final int MAX_ERRORS = 200;

  private final List<Diagnostic> list = new ArrayList<>();
  private int errors;

  /** Records an error. */
  public void error(Span span, String message) {
    add(Diagnostic.error(span, message));
  }

  /** Records an error with a hint. */
  public void error(Span span, String message, @Nullable String hint) {
    add(Diagnostic.error(span, message, hint));
  }

  /** Records a diagnostic. */
  public void add(Diagnostic diagnostic) {
    if (diagnostic.severity() == Diagnostic.Severity.ERROR) {
      if (errors >= MAX_ERRORS) {
        return;
      }
      errors++;
    }
    for (Diagnostic d : list) {
      if (d.span().equals(diagnostic.span()) && d.message().equals(diagnostic.message())) {
        return;
      }
    }
    list.add(diagnostic);
  }

  /** Whether any error was recorded. */
  public boolean hasErrors() {
    return errors > 0;
  }

  /** The diagnostics so far, sorted by file, then position. */
  public List<Diagnostic> all() {
    var sorted = new ArrayList<>(list);
    sorted.sort(Comparator.comparing((Diagnostic d) -> d.span().source().path())
        .thenComparingInt(d -> d.span().start()));
    return sorted;
  }

  /** Throws a {@link ConfigException} holding every diagnostic if any error was recorded. */
  public void throwIfErrors() throws ConfigException {
    if (hasErrors()) {
      throw new ConfigException(all());
    }
  }
}
