package dev.capmesh.controlplane.cli;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;

/** Parses {@code 500ms}, {@code 15s}, {@code 2m}. */
final class Durations implements ITypeConverter<Duration> {
  private static final Pattern P = Pattern.compile("(\\d{1,9})(ms|s|m)");

  @Override
  public Duration convert(String value) {
    Matcher m = P.matcher(value);
    if (!m.matches()) {
      throw new IllegalArgumentException("duration: " + value + " (expected: e.g. 500ms, 15s, 2m)");
    }
    long n = Long.parseLong(m.group(1));
    Duration d = switch (m.group(2)) {
      case "ms" -> Duration.ofMillis(n);
      case "s" -> Duration.ofSeconds(n);
      default -> Duration.ofMinutes(n);
    };
    if (d.isZero()) {
      throw new IllegalArgumentException("duration: " + value + " (expected: > 0)");
    }
    return d;
  }
}
