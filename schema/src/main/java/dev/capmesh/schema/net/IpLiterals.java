package dev.capmesh.schema.net;

import org.jspecify.annotations.Nullable;

/**
 * Strict parsers for textual IP addresses that never touch DNS: the one implementation shared by
 * the compiler's config checks and the runner's egress code. Stateless.
 */
public final class IpLiterals {
  private IpLiterals() {}

  /** Parses dotted-quad IPv4 ({@code 10.0.0.1}, decimal only), or returns null. */
  public static byte @Nullable [] parseIpv4(String text) {
    String[] parts = text.split("\\.", -1);
    if (parts.length != 4) {
      return null;
    }
    byte[] out = new byte[4];
    for (int i = 0; i < 4; i++) {
      String p = parts[i];
      if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(c -> c >= '0' && c <= '9')) {
        return null;
      }
      int v = Integer.parseInt(p);
      if (v > 255) {
        return null;
      }
      out[i] = (byte) v;
    }
    return out;
  }

  /**
   * Parses an IPv6 literal without brackets ({@code ::1}, {@code ::ffff:127.0.0.1},
   * {@code 2001:db8::1}); zone ids are not accepted. Returns 16 bytes, or null.
   */
  public static byte @Nullable [] parseIpv6(String text) {
    if (text.isEmpty() || text.indexOf('%') >= 0) {
      return null;
    }
    int doubleColon = text.indexOf("::");
    if (doubleColon >= 0 && text.indexOf("::", doubleColon + 1) >= 0) {
      return null;
    }
    String head = doubleColon >= 0 ? text.substring(0, doubleColon) : text;
    String tail = doubleColon >= 0 ? text.substring(doubleColon + 2) : "";
    int[] headGroups = groups(head, doubleColon < 0 || tail.isEmpty());
    int[] tailGroups = doubleColon >= 0 ? groups(tail, true) : new int[0];
    if (headGroups == null || tailGroups == null) {
      return null;
    }
    int total = headGroups.length + tailGroups.length;
    if (doubleColon < 0 ? total != 8 : total > 7) {
      return null;
    }
    // An embedded IPv4 tail may only end the address, never sit in the head before "::".
    if (doubleColon >= 0 && !tail.isEmpty() && head.contains(".")) {
      return null;
    }
    byte[] out = new byte[16];
    for (int i = 0; i < headGroups.length; i++) {
      out[2 * i] = (byte) (headGroups[i] >> 8);
      out[2 * i + 1] = (byte) headGroups[i];
    }
    int start = 8 - tailGroups.length;
    for (int i = 0; i < tailGroups.length; i++) {
      out[2 * (start + i)] = (byte) (tailGroups[i] >> 8);
      out[2 * (start + i) + 1] = (byte) tailGroups[i];
    }
    return out;
  }

  /** Splits colon-separated hex groups; the last one may be a dotted quad (counts as two). */
  private static int @Nullable [] groups(String text, boolean mayEndInIpv4) {
    if (text.isEmpty()) {
      return new int[0];
    }
    String[] parts = text.split(":", -1);
    int n = parts.length;
    boolean ipv4Tail = mayEndInIpv4 && parts[n - 1].contains(".");
    int[] out = new int[ipv4Tail ? n + 1 : n];
    for (int i = 0; i < n; i++) {
      String p = parts[i];
      if (i == n - 1 && ipv4Tail) {
        byte[] v4 = parseIpv4(p);
        if (v4 == null) {
          return null;
        }
        out[i] = ((v4[0] & 0xff) << 8) | (v4[1] & 0xff);
        out[i + 1] = ((v4[2] & 0xff) << 8) | (v4[3] & 0xff);
        continue;
      }
      if (p.isEmpty() || p.length() > 4) {
        return null;
      }
      int v = 0;
      for (int k = 0; k < p.length(); k++) {
        int d = Character.digit(p.charAt(k), 16);
        if (d < 0) {
          return null;
        }
        v = v * 16 + d;
      }
      out[i] = v;
    }
    return out;
  }
}
