package dev.capmesh.runner.egress;

import dev.capmesh.schema.net.IpLiterals;
import java.net.InetAddress;
import java.net.UnknownHostException;
import org.jspecify.annotations.Nullable;

/**
 * Strict parsers for textual IP addresses that never touch DNS, and helpers over raw address
 * bytes. {@link InetAddress#getByName} is avoided on purpose: for anything that is not a literal
 * it would start a lookup.
 */
public final class IpAddresses {
  private IpAddresses() {}

  /** Parses dotted-quad IPv4 ({@code 10.0.0.1}, decimal only), or returns null. */
  public static byte @Nullable [] parseDottedQuad(String text) {
    return IpLiterals.parseIpv4(text);
  }

  /**
   * Parses an IPv6 literal without brackets ({@code ::1}, {@code ::ffff:127.0.0.1},
   * {@code 2001:db8::1}); zone ids are not accepted. Returns 16 bytes, or null.
   */
  public static byte @Nullable [] parseIpv6(String text) {
    return IpLiterals.parseIpv6(text);
  }

  /** Builds an address from 4 or 16 raw bytes without any lookup. */
  public static InetAddress fromBytes(byte[] bytes) {
    try {
      return InetAddress.getByAddress(bytes);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("address bytes: " + bytes.length + " (expected: 4 or 16)");
    }
  }

  /**
   * The bytes a policy should judge: IPv4 bytes for IPv4 addresses and for IPv6 addresses that
   * merely carry an IPv4 address ({@code ::ffff:a.b.c.d} mapped, and the deprecated
   * {@code ::a.b.c.d} compatible form), otherwise the 16 IPv6 bytes.
   */
  public static byte[] effectiveBytes(InetAddress address) {
    byte[] b = address.getAddress();
    if (b.length == 16) {
      boolean zeroPrefix = true;
      for (int i = 0; i < 10; i++) {
        zeroPrefix &= b[i] == 0;
      }
      boolean mapped = zeroPrefix && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff;
      boolean compatible = zeroPrefix && b[10] == 0 && b[11] == 0
          && ((b[12] | b[13] | b[14]) != 0 || (b[15] & 0xff) > 1);
      if (mapped || compatible) {
        return new byte[] {b[12], b[13], b[14], b[15]};
      }
    }
    return b;
  }

  /** Text for messages: dotted quad or compressed IPv6, never a host name. */
  public static String toText(InetAddress address) {
    String s = address.getHostAddress();
    int zone = s.indexOf('%');
    return zone >= 0 ? s.substring(0, zone) : s;
  }
}
