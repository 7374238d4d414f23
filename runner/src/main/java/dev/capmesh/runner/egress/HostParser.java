package dev.capmesh.runner.egress;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.net.IDN;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Parses the host of an http(s) URL the way the WHATWG URL standard does, so that every spelling
 * a browser or a worker's {@code URL} accepts for an address is recognized as that address before
 * any policy check: {@code 2130706433}, {@code 0177.0.0.1}, {@code 0x7f.1}, {@code 0x7f000001},
 * {@code 127.0.0.1.} all mean 127.0.0.1; {@code [::ffff:127.0.0.1]} is an IPv6 address carrying
 * 127.0.0.1; percent-encoded hosts are decoded first. Stateless.
 */
public final class HostParser {
  private HostParser() {}

  /** A parsed host: either a literal address or a domain name still to be resolved. */
  public sealed interface Host {
    /** The host as it should appear in a Host header (without port). */
    String serialized();
  }

  /** A literal IPv4 or IPv6 address. */
  public record Ip(InetAddress address, String serialized) implements Host {}

  /** An ASCII, lower-case domain name (IDNA-mapped), possibly with a trailing dot. */
  public record Name(String name) implements Host {
    @Override public String serialized() {
      return name;
    }

    /** The name to hand to a resolver: without the trailing dot of a fully-qualified name. */
    public String lookupName() {
      return name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
    }

    /** Whether RFC 6761 reserves this name for the local machine ({@code localhost}, *.localhost). */
    public boolean isLocalhost() {
      String n = lookupName();
      return n.equals("localhost") || n.endsWith(".localhost");
    }
  }

  /**
   * Parses {@code input}, the host part of a URL authority (brackets included for IPv6).
   *
   * @throws IllegalArgumentException when the host is not valid, naming the input
   */
  public static Host parse(String input) {
    if (input.isEmpty()) {
      throw invalid(input, "empty host");
    }
    if (input.startsWith("[")) {
      if (!input.endsWith("]")) {
        throw invalid(input, "unterminated IPv6 address");
      }
      byte[] v6 = IpAddresses.parseIpv6(input.substring(1, input.length() - 1));
      if (v6 == null) {
        throw invalid(input, "not an IPv6 address");
      }
      InetAddress a = IpAddresses.fromBytes(v6);
      return new Ip(a, "[" + input.substring(1, input.length() - 1).toLowerCase(Locale.ROOT) + "]");
    }
    String decoded = percentDecode(input);
    String ascii;
    try {
      ascii = IDN.toASCII(decoded, IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT);
    } catch (IllegalArgumentException e) {
      throw invalid(input, "not a valid domain name");
    }
    if (ascii.isEmpty()) {
      throw invalid(input, "empty host");
    }
    for (int i = 0; i < ascii.length(); i++) {
      char c = ascii.charAt(i);
      if (c <= 0x20 || c == 0x7f || "#%/:<>?@[\\]^|".indexOf(c) >= 0) {
        throw invalid(input, "forbidden character in host");
      }
    }
    if (endsInNumber(ascii)) {
      byte[] v4 = parseIpv4(ascii);
      if (v4 == null) {
        throw invalid(input, "looks like an IPv4 address but is not a valid one");
      }
      InetAddress a = IpAddresses.fromBytes(v4);
      return new Ip(a, IpAddresses.toText(a));
    }
    return new Name(ascii);
  }

  private static IllegalArgumentException invalid(String input, String why) {
    return new IllegalArgumentException("host: \"" + input + "\" (" + why + ")");
  }

  private static String percentDecode(String s) {
    if (s.indexOf('%') < 0) {
      return s;
    }
    byte[] raw = s.getBytes(StandardCharsets.UTF_8);
    var out = new ByteArrayOutputStream(raw.length);
    for (int i = 0; i < raw.length; i++) {
      if (raw[i] == '%' && i + 2 < raw.length
          && Character.digit(raw[i + 1], 16) >= 0 && Character.digit(raw[i + 2], 16) >= 0) {
        out.write(Character.digit(raw[i + 1], 16) * 16 + Character.digit(raw[i + 2], 16));
        i += 2;
      } else {
        out.write(raw[i]);
      }
    }
    return new String(out.toByteArray(), StandardCharsets.UTF_8);
  }

  /** WHATWG "ends in a number": the last label (ignoring one trailing dot) is numeric. */
  private static boolean endsInNumber(String host) {
    List<String> parts = new ArrayList<>(List.of(host.split("\\.", -1)));
    if (parts.get(parts.size() - 1).isEmpty()) {
      if (parts.size() == 1) {
        return false;
      }
      parts.remove(parts.size() - 1);
    }
    String last = parts.get(parts.size() - 1);
    if (!last.isEmpty() && last.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return true;
    }
    return parseNumber(last) != null;
  }

  /** WHATWG IPv4 parser: 1-4 parts, each decimal, octal (leading 0) or hex (0x). */
  private static byte @Nullable [] parseIpv4(String host) {
    List<String> parts = new ArrayList<>(List.of(host.split("\\.", -1)));
    if (parts.get(parts.size() - 1).isEmpty() && parts.size() > 1) {
      parts.remove(parts.size() - 1);
    }
    if (parts.size() > 4) {
      return null;
    }
    List<BigInteger> numbers = new ArrayList<>();
    for (String part : parts) {
      BigInteger n = parseNumber(part);
      if (n == null) {
        return null;
      }
      numbers.add(n);
    }
    BigInteger b256 = BigInteger.valueOf(256);
    for (int i = 0; i < numbers.size() - 1; i++) {
      if (numbers.get(i).compareTo(BigInteger.valueOf(255)) > 0) {
        return null;
      }
    }
    BigInteger last = numbers.get(numbers.size() - 1);
    if (last.compareTo(b256.pow(5 - numbers.size())) >= 0) {
      return null;
    }
    long value = last.longValue();
    for (int i = 0; i < numbers.size() - 1; i++) {
      value += numbers.get(i).longValue() << (8 * (3 - i));
    }
    return new byte[] {(byte) (value >> 24), (byte) (value >> 16), (byte) (value >> 8), (byte) value};
  }

  private static @Nullable BigInteger parseNumber(String part) {
    if (part.isEmpty()) {
      return null;
    }
    int radix = 10;
    String digits = part;
    if (part.length() >= 2 && (part.startsWith("0x") || part.startsWith("0X"))) {
      radix = 16;
      digits = part.substring(2);
    } else if (part.length() >= 2 && part.startsWith("0")) {
      radix = 8;
      digits = part.substring(1);
    }
    if (digits.isEmpty()) {
      return BigInteger.ZERO;
    }
    for (int i = 0; i < digits.length(); i++) {
      if (Character.digit(digits.charAt(i), radix) < 0) {
        return null;
      }
    }
    return new BigInteger(digits, radix);
  }
}
