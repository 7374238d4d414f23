package dev.capmesh.crypto;

import static java.util.Objects.requireNonNull;

import java.security.NoSuchAlgorithmException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import org.jspecify.annotations.Nullable;

/**
 * workerd's {@code TlsOptions.minVersion} and {@code cipherList} as JSSE settings: the protocol
 * versions to enable and the cipher suites (by their IANA names, which JSSE and Netty's OpenSSL
 * engine both accept). Shared by {@code check} and the runner so that both refuse the same lists.
 *
 * <p>{@code cipherList} is an OpenSSL cipher list whose entries are cipher suite names, OpenSSL's
 * ({@code ECDHE-RSA-AES128-GCM-SHA256}) or IANA's ({@code TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256}),
 * separated by {@code :}, {@code ,} or spaces. As in OpenSSL, it governs TLS 1.2 and below only:
 * TLS 1.3 suites stay enabled whatever it says (names of TLS 1.3 suites in it are accepted and
 * have no effect). OpenSSL's keywords and operators ({@code HIGH}, {@code !aNULL}, {@code
 * +AES}, {@code @STRENGTH}) are refused by name. Without a list, the suites are Mozilla's
 * "intermediate" set, which is what workerd's default is based on. Stateless and thread-safe.
 */
public final class TlsPolicy {
  /** TLS 1.3 suites, always enabled (cipherList does not govern them, as in OpenSSL). */
  public static final List<String> TLS13_SUITES = List.of("TLS_AES_128_GCM_SHA256",
      "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256");
  /** Mozilla's "intermediate" TLS 1.2 suites, in its order: the default cipher list. */
  public static final String DEFAULT_CIPHER_LIST = "ECDHE-ECDSA-AES128-GCM-SHA256:"
      + "ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
      + "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:DHE-RSA-AES128-GCM-SHA256:"
      + "DHE-RSA-AES256-GCM-SHA384:DHE-RSA-CHACHA20-POLY1305";
  /** The minVersion names of workerd's schema. */
  public static final List<String> VERSIONS = List.of("goodDefault", "ssl3", "tls1Dot0", "tls1Dot1",
      "tls1Dot2", "tls1Dot3");

  private static final Pattern OPENSSL_NAME = Pattern.compile(
      "(?:(ECDHE|EECDH|DHE|EDH)-(RSA|ECDSA|DSS)-)?(AES128|AES256|CHACHA20|DES-CBC3|CAMELLIA128|"
          + "CAMELLIA256|ARIA128|ARIA256)(?:-(GCM|CCM8|CCM|POLY1305))?(?:-(SHA|SHA256|SHA384))?");

  private TlsPolicy() {}

  /**
   * The protocol versions to enable for {@code minVersion}, newest first. TLS 1.2 is the lowest
   * this runner speaks: ssl3, tls1Dot0 and tls1Dot1 act as tls1Dot2 (see {@link #versionNote}).
   *
   * @throws IllegalArgumentException for a name not in {@link #VERSIONS}
   */
  public static List<String> protocols(String minVersion) {
    requireNonNull(minVersion, "minVersion");
    return switch (minVersion) {
      case "tls1Dot3" -> List.of("TLSv1.3");
      case "goodDefault", "ssl3", "tls1Dot0", "tls1Dot1", "tls1Dot2", "" -> List.of("TLSv1.3", "TLSv1.2");
      default -> throw new IllegalArgumentException("minVersion: \"" + minVersion
          + "\" (expected: one of " + VERSIONS + ")");
    };
  }

  /** What a {@code minVersion} below TLS 1.2 does here, as a warning; null for the others. */
  public static @Nullable String versionNote(String minVersion) {
    return switch (minVersion) {
      case "ssl3", "tls1Dot0", "tls1Dot1" -> "minVersion " + minVersion + " acts as tls1Dot2: "
          + "this runner speaks TLS 1.2 and 1.3 only (the JDK disables older versions)";
      default -> null;
    };
  }

  /**
   * The cipher suites for {@code cipherList} (empty: {@link #DEFAULT_CIPHER_LIST}) in IANA
   * names, TLS 1.3 suites first; only suites this JDK supports.
   *
   * @throws IllegalArgumentException naming the first entry that is not a supported suite
   */
  public static List<String> cipherSuites(String cipherList) {
    requireNonNull(cipherList, "cipherList");
    boolean defaults = cipherList.isBlank();
    Set<String> supported = supportedSuites();
    var out = new LinkedHashSet<String>();
    for (String s : TLS13_SUITES) {
      if (supported.contains(s)) {
        out.add(s);
      }
    }
    int tls12 = 0;
    for (String entry : (defaults ? DEFAULT_CIPHER_LIST : cipherList).split("[:,\\s]+")) {
      if (entry.isEmpty()) {
        continue;
      }
      String name = ianaName(entry);
      if (TLS13_SUITES.contains(name)) {
        continue;
      }
      if (!supported.contains(name)) {
        if (defaults) {
          continue;
        }
        throw new IllegalArgumentException("cipherList: \"" + entry + "\" is not a cipher suite "
            + "this runner's TLS library offers");
      }
      out.add(name);
      tls12++;
    }
    if (tls12 == 0 && !defaults) {
      throw new IllegalArgumentException("cipherList: \"" + cipherList + "\" names no TLS 1.2 "
          + "cipher suite (expected: names such as ECDHE-RSA-AES128-GCM-SHA256)");
    }
    return List.copyOf(out);
  }

  /** Why {@link #cipherSuites} would refuse {@code cipherList}, or null. */
  public static @Nullable String cipherListProblem(String cipherList) {
    try {
      cipherSuites(cipherList);
      return null;
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    }
  }

  /** The IANA name of one cipher list entry. */
  static String ianaName(String entry) {
    if (entry.startsWith("TLS_") || entry.startsWith("SSL_")) {
      return entry;
    }
    char first = entry.charAt(0);
    if (first == '!' || first == '-' || first == '+' || first == '@' || entry.contains("+")) {
      throw keyword(entry);
    }
    Matcher m = OPENSSL_NAME.matcher(entry);
    if (!m.matches()) {
      if (entry.chars().noneMatch(c -> c == '-')) {
        throw keyword(entry);
      }
      throw new IllegalArgumentException("cipherList: \"" + entry + "\" is not a cipher suite "
          + "name this runner knows (expected: e.g. ECDHE-RSA-AES128-GCM-SHA256)");
    }
    String kx = m.group(1) == null ? "RSA"
        : (m.group(1).contains("ECDH") ? "ECDHE_" : "DHE_") + m.group(2);
    String cipher = switch (m.group(3)) {
      case "AES128" -> "AES_128";
      case "AES256" -> "AES_256";
      case "DES-CBC3" -> "3DES_EDE";
      case "CAMELLIA128" -> "CAMELLIA_128";
      case "CAMELLIA256" -> "CAMELLIA_256";
      case "ARIA128" -> "ARIA_128";
      case "ARIA256" -> "ARIA_256";
      default -> "CHACHA20";
    };
    String mode = m.group(4) == null ? "CBC" : switch (m.group(4)) {
      case "CCM8" -> "CCM_8";
      default -> m.group(4);
    };
    String mac = m.group(5);
    var name = new StringBuilder("TLS_").append(kx).append("_WITH_").append(cipher).append('_')
        .append(mode);
    if (mode.equals("POLY1305")) {
      name.append("_SHA256");
    } else if (!mode.startsWith("CCM")) {
      if (mac == null) {
        throw new IllegalArgumentException("cipherList: \"" + entry + "\" is not a cipher suite "
            + "name this runner knows (expected: e.g. ECDHE-RSA-AES128-GCM-SHA256)");
      }
      name.append('_').append(mac);
    }
    return name.toString();
  }

  private static IllegalArgumentException keyword(String entry) {
    return new IllegalArgumentException("cipherList: \"" + entry + "\": OpenSSL cipher keywords "
        + "and operators are not supported (expected: cipher suite names separated by colons)");
  }

  private static Set<String> supportedSuites() {
    try {
      return Set.of(SSLContext.getDefault().getSupportedSSLParameters().getCipherSuites());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no default TLS context", e);
    }
  }
}
