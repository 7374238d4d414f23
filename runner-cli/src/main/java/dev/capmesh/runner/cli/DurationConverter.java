package dev.capmesh.runner.cli;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.regex.Pattern;

/** Reads a positive duration written as {@code 250ms}, {@code 1.5s}, {@code 2m} or bare milliseconds. */
final class DurationConverter {
  private static final Pattern FORM = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m)?");

  private DurationConverter() {}

  static Duration convert(String value) {
    var m = FORM.matcher(value.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException("'" + value + "' is not a duration (write it like 200ms, 1.5s or 2m)");
    }
    BigDecimal amount = new BigDecimal(m.group(1));
    String unit = m.group(2) == null ? "ms" : m.group(2);
    BigDecimal millis = switch (unit) {
      case "s" -> amount.movePointRight(3);
      case "m" -> amount.multiply(BigDecimal.valueOf(60_000));
      default -> amount;
    };
    if (millis.compareTo(BigDecimal.ONE) < 0) {
      throw new IllegalArgumentException("'" + value + "' is too short (the least is 1ms)");
    }
    if (millis.compareTo(BigDecimal.valueOf(86_400_000L)) > 0) {
      throw new IllegalArgumentException("'" + value + "' is too long (the most is 24 hours)");
    }
    return Duration.ofNanos(millis.movePointRight(6).longValue());
  }
}
