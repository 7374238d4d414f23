package dev.capmesh.compiler.source;

import static java.util.Objects.requireNonNull;

/**
 * A range {@code [start, end)} of characters in a {@link Source}: where a token, expression or
 * declaration came from.
 */
public record Span(Source source, int start, int end) {

  public Span {
    requireNonNull(source, "source");
    if (start < 0 || end < start) {
      throw new IllegalArgumentException("span: [" + start + ", " + end + ") (expected: 0 <= start <= end)");
    }
  }

  /** The 1-based line of the start. */
  public int line() {
    return source.lineOf(start);
  }

  /** The 1-based column of the start. */
  public int column() {
    return source.columnOf(start);
  }

  /** The smallest span covering this one and {@code other} (same source). */
  public Span to(Span other) {
    return new Span(source, Math.min(start, other.start), Math.max(end, other.end));
  }

  /** {@code path:line:col}. */
  public String location() {
    return source.path() + ":" + line() + ":" + column();
  }

  @Override
  public String toString() {
    return location();
  }
}
