package dev.capmesh.runner.cli;

import java.util.Locale;
import java.util.regex.Pattern;

/** Reads a size in bytes written as {@code 1048576}, {@code 512k}, {@code 100m} or {@code 2g} (powers of 1024). */
final class SizeConverter {
  private static final Pattern FORM = Pattern.compile("(\\d{1,15})\\s*([kmg]i?b?|b)?");

  private SizeConverter() {}

  static long convert(String value) {
    var m = FORM.matcher(value.trim().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new IllegalArgumentException("'" + value + "' is not a size (write it like 1048576, 512k, 100m or 2g)");
    }
    long amount = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "b" : m.group(2).substring(0, 1);
    int shift = switch (unit) {
      case "k" -> 10;
      case "m" -> 20;
      case "g" -> 30;
      default -> 0;
    };
    if (amount > (Long.MAX_VALUE >> shift)) {
      throw new IllegalArgumentException("'" + value + "' is too large");
    }
    return amount << shift;
  }
}
