package dev.capmesh.runner.egress;

import dev.capmesh.schema.net.NetworkRules;
import java.net.InetAddress;
import java.util.Arrays;

/**
 * One IPv4 or IPv6 address block in CIDR notation ({@code 10.0.0.0/8}, {@code fc00::/7}).
 *
 * <p>An IPv4 block also matches IPv6 addresses that carry an IPv4 address (see {@link
 * IpAddresses#effectiveBytes}), as workerd's filter does for v4-mapped addresses. Immutable.
 */
public final class Cidr {
  private final byte[] prefix;
  private final int bits;

  private Cidr(byte[] prefix, int bits) {
    this.prefix = prefix;
    this.bits = bits;
    int max = prefix.length * 8;
    for (int i = bits; i < max; i++) {
      prefix[i / 8] &= (byte) ~(0x80 >> (i % 8));
    }
  }

  /**
   * Parses {@code address/bits}. The prefix length is required (as in workerd); host bits are
   * cleared.
   *
   * @throws IllegalArgumentException if the text is not a CIDR block
   */
  public static Cidr parse(String text) {
    NetworkRules.Block block = NetworkRules.parseBlock(text);
    return new Cidr(block.address(), block.bits());
  }

  /** The prefix length, which workerd uses as the rule's specificity. */
  public int specificity() {
    return bits;
  }

  /** Whether this block is IPv4. */
  public boolean isIpv4() {
    return prefix.length == 4;
  }

  /** Whether {@code address} lies inside this block. */
  public boolean matches(InetAddress address) {
    byte[] candidate = isIpv4() ? IpAddresses.effectiveBytes(address) : address.getAddress();
    return candidate.length == prefix.length && startsWith(candidate);
  }

  /** Whether every address of {@code other} lies inside this block (same address family). */
  boolean contains(Cidr other) {
    return other.prefix.length == prefix.length && other.bits >= bits && startsWith(other.prefix);
  }

  /** Whether this block and {@code other} share an address (same address family). */
  boolean intersects(Cidr other) {
    return contains(other) || other.contains(this);
  }

  /** One half of this block ({@code upper} false: the lower half); only below full length. */
  Cidr half(boolean upper) {
    byte[] p = prefix.clone();
    if (upper) {
      p[bits / 8] |= (byte) (0x80 >> (bits % 8));
    }
    return new Cidr(p, bits + 1);
  }

  /** Whether the block is a single address. */
  boolean isSingleAddress() {
    return bits == prefix.length * 8;
  }

  private boolean startsWith(byte[] candidate) {
    int full = bits / 8;
    for (int i = 0; i < full; i++) {
      if (candidate[i] != prefix[i]) {
        return false;
      }
    }
    int rest = bits % 8;
    if (rest == 0) {
      return true;
    }
    int mask = (0xff00 >> rest) & 0xff;
    return (candidate[full] & mask) == (prefix[full] & 0xff);
  }

  @Override public String toString() {
    return IpAddresses.toText(IpAddresses.fromBytes(prefix.clone())) + "/" + bits;
  }

  @Override public boolean equals(Object o) {
    return o instanceof Cidr c && c.bits == bits && Arrays.equals(c.prefix, prefix);
  }

  @Override public int hashCode() {
    return Arrays.hashCode(prefix) * 31 + bits;
  }
}
