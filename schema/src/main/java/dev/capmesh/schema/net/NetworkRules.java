package dev.capmesh.schema.net;

import static java.util.Objects.requireNonNull;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The syntax of workerd's {@code Network} {@code allow} and {@code deny} entries: a keyword
 * ({@code public}, {@code private}, {@code local}, {@code network}, {@code unix},
 * {@code unix-abstract}) or a CIDR block with its prefix length ({@code 10.0.0.0/8},
 * {@code fc00::/7}). The one parser behind both {@code bin/runner check} and the runner's
 * egress policy, so the two never disagree on what a rule means. Stateless.
 */
public final class NetworkRules {
  /** The keywords, as written in configs. */
  public static final List<String> KEYWORDS =
      List.of("public", "private", "local", "network", "unix", "unix-abstract");

  private NetworkRules() {}

  /**
   * A parsed CIDR block.
   *
   * @param address 4 or 16 bytes, host bits not yet cleared
   * @param bits the prefix length
   */
  public record Block(byte[] address, int bits) {
    public Block {
      requireNonNull(address, "address");
      address = address.clone();
    }

    @Override
    public byte[] address() {
      return address.clone();
    }
  }

  /**
   * Parses {@code address/bits}. The prefix length is required (as in workerd).
   *
   * @throws IllegalArgumentException if the text is not a CIDR block; the message names the text
   */
  public static Block parseBlock(String text) {
    requireNonNull(text, "text");
    String expected = blockExpected(text);
    if (expected != null) {
      throw new IllegalArgumentException("network rule: \"" + text + "\" (expected: " + expected + ")");
    }
    int slash = text.indexOf('/');
    String addr = text.substring(0, slash);
    byte[] bytes = addr.contains(":") ? IpLiterals.parseIpv6(addr) : IpLiterals.parseIpv4(addr);
    return new Block(bytes, Integer.parseInt(text.substring(slash + 1)));
  }

  /** What a malformed CIDR block should have been, or null if {@code text} is a valid one. */
  private static @Nullable String blockExpected(String text) {
    int slash = text.indexOf('/');
    if (slash < 0) {
      return "a CIDR block such as 10.0.0.0/8, or one of " + String.join(", ", KEYWORDS);
    }
    String addr = text.substring(0, slash);
    String len = text.substring(slash + 1);
    byte[] bytes = addr.contains(":") ? IpLiterals.parseIpv6(addr) : IpLiterals.parseIpv4(addr);
    if (bytes == null || len.isEmpty() || len.length() > 3
        || !len.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return "a CIDR block: an IPv4 or IPv6 address, '/', and a prefix length";
    }
    if (Integer.parseInt(len) > bytes.length * 8) {
      return "prefix length <= " + bytes.length * 8;
    }
    return null;
  }

  /**
   * What {@code rule} should have been on an allow list ({@code deny} false) or a deny list, or
   * null if it is valid there. Besides malformed entries, {@code public} and {@code network}
   * cannot be denied (workerd refuses that too).
   */
  public static @Nullable String expected(String rule, boolean deny) {
    requireNonNull(rule, "rule");
    if (deny && rule.equals("public")) {
      return "allow \"private\" instead; workerd refuses to deny \"public\"";
    }
    if (deny && rule.equals("network")) {
      return "allow \"local\" instead; workerd refuses to deny \"network\"";
    }
    return KEYWORDS.contains(rule) ? null : blockExpected(rule);
  }

  /**
   * The argument error for {@code rule} on an allow or deny list ({@code "deny: \"public\"
   * (expected: ...)"}), or null if it is valid there.
   */
  public static @Nullable String problem(String rule, boolean deny) {
    String expected = expected(rule, deny);
    return expected == null ? null
        : (deny ? "deny" : "allow") + ": \"" + rule + "\" (expected: " + expected + ")";
  }
}
