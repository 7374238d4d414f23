package dev.capmesh.runner.cli;

import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Reads a positive byte count written as {@code 1048576}, {@code 512k}, {@code 100m} or {@code 2g} (powers of 1024). */
final class SizeConverter implements ITypeConverter<Long> {
  private static final Pattern FORM = Pattern.compile("(\\d{1,13})\\s*([kKmMgG])?");

  @Override
  public Long convert(String value) {
    var m = FORM.matcher(value.trim());
    if (!m.matches()) {
      throw new TypeConversionException("'" + value + "' is not a size (write it like 1048576, 512k, 100m or 2g)");
    }
    long n = Long.parseLong(m.group(1));
    int shift = m.group(2) == null ? 0 : switch (Character.toLowerCase(m.group(2).charAt(0))) {
      case 'k' -> 10;
      case 'm' -> 20;
      default -> 30;
    };
    if (n < 1 || n > (Long.MAX_VALUE >> 30)) {
      throw new TypeConversionException("'" + value + "' is out of range (the least is 1 byte)");
    }
    return n << shift;
  }
}
