package dev.capmesh.controlplane.store;

import java.util.regex.Pattern;

/** The shapes of fleet names, runner ids and versions the store accepts (they become keys and file names). */
public final class Names {
  private static final Pattern FLEET = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
  private static final Pattern RUNNER = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}");
  private static final Pattern VERSION = Pattern.compile("[0-9a-f]{64}");

  private Names() {}

  /** Null if {@code fleet} is a valid fleet name, else why not. */
  public static String fleetProblem(String fleet) {
    return FLEET.matcher(fleet).matches() ? null
        : "fleet name \"" + printable(fleet) + "\" is not valid (expected: letters, digits, '.', '_', "
            + "'-', at most 64, starting with a letter or digit)";
  }

  /** Null if {@code id} is a valid runner id, else why not. */
  public static String runnerProblem(String id) {
    return RUNNER.matcher(id).matches() ? null
        : "runner id \"" + printable(id) + "\" is not valid (expected: letters, digits, '.', '_', "
            + "':', '@', '-', at most 128, starting with a letter or digit)";
  }

  /** Whether {@code v} looks like a plan version (64 lowercase hex digits). */
  public static boolean isVersion(String v) {
    return VERSION.matcher(v).matches();
  }

  static void checkFleet(String fleet) {
    String p = fleetProblem(fleet);
    if (p != null) {
      throw new IllegalArgumentException(p);
    }
  }

  /** {@code s} cut to 80 characters with control characters replaced, for messages. */
  public static String printable(String s) {
    String cut = s.length() > 80 ? s.substring(0, 80) + "..." : s;
    var b = new StringBuilder();
    cut.codePoints().forEach(c -> b.appendCodePoint(Character.isISOControl(c) ? '?' : c));
    return b.toString();
  }
}
