package dev.capmesh.runner.audit;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * Reads an audit file line by line, telling whether the last line ended with its newline (a
 * line without one was cut off). Not thread-safe.
 */
final class AuditLines implements AutoCloseable {
  /** Longer lines are not audit lines; what is beyond this is skipped. */
  static final int MAX_LINE_BYTES = 1 << 20;

  private final InputStream in;
  private final ByteArrayOutputStream line = new ByteArrayOutputStream(512);
  private boolean lastTerminated = true;
  private int number;

  AuditLines(Path file) throws IOException {
    this.in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
  }

  /** The next line without its newline, or null at the end. */
  @Nullable String next() throws IOException {
    line.reset();
    int b;
    boolean any = false;
    while ((b = in.read()) >= 0) {
      any = true;
      if (b == '\n') {
        lastTerminated = true;
        number++;
        return line.toString(StandardCharsets.UTF_8);
      }
      if (line.size() < MAX_LINE_BYTES) {
        line.write(b);
      }
    }
    if (!any) {
      return null;
    }
    lastTerminated = false;
    number++;
    return line.toString(StandardCharsets.UTF_8);
  }

  /** Whether the line last returned ended with a newline. */
  boolean terminated() {
    return lastTerminated;
  }

  /** The number (from 1) of the line last returned. */
  int number() {
    return number;
  }

  @Override public void close() throws IOException {
    in.close();
  }
}
