package dev.capmesh.compiler.source;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;

/**
 * The text of one input file together with the name it is reported under.
 *
 * <p>Immutable and thread-safe. Line starts are computed once, on construction, so positions can
 * be turned into line and column numbers cheaply when diagnostics are printed.
 */
public final class Source {
  private final String path;
  private final String text;
  private final int[] lineStarts;

  private Source(String path, String text) {
    this.path = requireNonNull(path, "path");
    this.text = requireNonNull(text, "text");
    int[] starts = new int[16];
    int count = 1;
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) == '\n') {
        if (count == starts.length) {
          starts = Arrays.copyOf(starts, count * 2);
        }
        starts[count++] = i + 1;
      }
    }
    this.lineStarts = Arrays.copyOf(starts, count);
  }

  /** Creates a source named {@code path} (as shown in diagnostics) holding {@code text}. */
  public static Source of(String path, String text) {
    return new Source(path, text);
  }

  /** The name shown in diagnostics. */
  public String path() {
    return path;
  }

  /** The whole text. */
  public String text() {
    return text;
  }

  /** The 1-based line of character offset {@code offset}. */
  public int lineOf(int offset) {
    int index = Arrays.binarySearch(lineStarts, Math.max(0, Math.min(offset, text.length())));
    return index >= 0 ? index + 1 : -index - 1;
  }

  /** The 1-based column of character offset {@code offset}, counting code points. */
  public int columnOf(int offset) {
    int clamped = Math.max(0, Math.min(offset, text.length()));
    int start = lineStarts[lineOf(clamped) - 1];
    return text.codePointCount(start, clamped) + 1;
  }

  /** The text of 1-based line {@code line}, without its line terminator. */
  public String lineText(int line) {
    int start = lineStarts[line - 1];
    int end = line < lineStarts.length ? lineStarts[line] - 1 : text.length();
    if (end > start && text.charAt(end - 1) == '\r') {
      end--;
    }
    return text.substring(start, Math.max(start, end));
  }

  /** A span covering {@code [start, end)} of this source. */
  public Span span(int start, int end) {
    return new Span(this, start, end);
  }

  @Override
  public String toString() {
    return path;
  }
}
