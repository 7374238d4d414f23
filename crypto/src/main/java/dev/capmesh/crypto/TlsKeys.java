package dev.capmesh.crypto;

import static java.util.Objects.requireNonNull;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * TLS key material as a config writes it (workerd's {@code TlsOptions}): a PEM private key, a PEM
 * certificate chain, PEM trusted certificates. Parsed with the JDK alone, so {@code check} and
 * the runner refuse the same inputs with the same words.
 *
 * <p>Private keys may be PKCS#8 ({@code BEGIN PRIVATE KEY}: RSA, RSA-PSS, EC, Ed25519, Ed448) or
 * the "traditional" OpenSSL forms {@code BEGIN RSA PRIVATE KEY} (PKCS#1) and {@code BEGIN EC
 * PRIVATE KEY} (SEC 1, with its named curve). Encrypted keys and DSA keys are refused by name.
 * Messages say what is wrong and never contain key material. Stateless and thread-safe.
 */
public final class TlsKeys {
  private static final byte[] RSA_ALGORITHM = hex("300d06092a864886f70d0101010500");
  private static final byte[] EC_PUBLIC_KEY_OID = hex("06072a8648ce3d0201");

  private TlsKeys() {}

  /**
   * A private key and the certificate chain it belongs to, leaf first.
   *
   * @param privateKey the key
   * @param chain the certificates, the leaf (whose public key matches {@code privateKey}) first
   */
  public record KeyPair(PrivateKey privateKey, List<X509Certificate> chain) {
    public KeyPair {
      requireNonNull(privateKey, "privateKey");
      chain = List.copyOf(chain);
      if (chain.isEmpty()) {
        throw new IllegalArgumentException("chain: [] (expected: at least the leaf certificate)");
      }
    }

    @Override public String toString() {
      return "KeyPair[privateKey=<redacted>, leaf=" + chain.get(0).getSubjectX500Principal() + "]";
    }
  }

  /**
   * Parses a key pair and checks that the key belongs to the chain's first certificate.
   *
   * @throws IllegalArgumentException saying which part is wrong and how
   */
  public static KeyPair keyPair(String privateKeyPem, String certificateChainPem) {
    requireNonNull(privateKeyPem, "privateKeyPem");
    requireNonNull(certificateChainPem, "certificateChainPem");
    List<X509Certificate> chain = certificates(certificateChainPem, "certificateChain");
    PrivateKey key = privateKey(privateKeyPem);
    if (!matches(key, chain.get(0).getPublicKey())) {
      throw new IllegalArgumentException("privateKey does not belong to the first certificate of "
          + "certificateChain (" + chain.get(0).getSubjectX500Principal().getName() + ")");
    }
    return new KeyPair(key, chain);
  }

  /** Why {@link #keyPair} would refuse these inputs, or null when it accepts them. */
  public static @Nullable String keyPairProblem(String privateKeyPem, String certificateChainPem) {
    try {
      keyPair(privateKeyPem, certificateChainPem);
      return null;
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    }
  }

  /**
   * The certificates of a PEM text ({@code BEGIN CERTIFICATE} blocks, in order; text between
   * blocks is ignored, as OpenSSL does).
   *
   * @param what the field's name, for messages ("certificateChain", "trustedCertificates[2]")
   * @throws IllegalArgumentException when there is no certificate or one does not parse
   */
  public static List<X509Certificate> certificates(String pem, String what) {
    requireNonNull(pem, "pem");
    requireNonNull(what, "what");
    List<Block> blocks = blocks(pem, what);
    var out = new ArrayList<X509Certificate>();
    CertificateFactory factory;
    try {
      factory = CertificateFactory.getInstance("X.509");
    } catch (CertificateException e) {
      throw new IllegalStateException("the JDK has no X.509 certificate factory", e);
    }
    for (Block b : blocks) {
      if (!b.label.equals("CERTIFICATE") && !b.label.equals("TRUSTED CERTIFICATE")
          && !b.label.equals("X509 CERTIFICATE")) {
        continue;
      }
      try {
        out.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(b.der)));
      } catch (CertificateException | ClassCastException e) {
        throw new IllegalArgumentException(what + ": certificate " + (out.size() + 1)
            + " is not a valid X.509 certificate");
      }
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException(what + ": no PEM certificate (expected: -----BEGIN "
          + "CERTIFICATE----- ... -----END CERTIFICATE-----)");
    }
    return List.copyOf(out);
  }

  /**
   * The private key of a PEM text: exactly one key block, optionally with an {@code EC
   * PARAMETERS} block.
   *
   * @throws IllegalArgumentException naming the problem, never the key
   */
  public static PrivateKey privateKey(String pem) {
    requireNonNull(pem, "pem");
    List<Block> keys = new ArrayList<>();
    for (Block b : blocks(pem, "privateKey")) {
      if (b.label.endsWith("PRIVATE KEY")) {
        keys.add(b);
      }
    }
    if (keys.size() != 1) {
      throw new IllegalArgumentException("privateKey: " + (keys.isEmpty() ? "no" : keys.size())
          + " PEM private key blocks (expected: one, e.g. -----BEGIN PRIVATE KEY----- ... "
          + "-----END PRIVATE KEY-----)");
    }
    Block b = keys.get(0);
    if (b.encrypted || b.label.equals("ENCRYPTED PRIVATE KEY")) {
      throw new IllegalArgumentException("privateKey: the key is encrypted (expected: an "
          + "unencrypted key; there is no way to give a password)");
    }
    return switch (b.label) {
      case "PRIVATE KEY" -> pkcs8(b.der);
      case "RSA PRIVATE KEY" -> pkcs8(sequence(integerZero(), RSA_ALGORITHM, octets(b.der)), "RSA");
      case "EC PRIVATE KEY" -> pkcs8(sequence(integerZero(),
          sequence(EC_PUBLIC_KEY_OID, curveOf(b.der)), octets(b.der)), "EC");
      case "DSA PRIVATE KEY" -> throw new IllegalArgumentException(
          "privateKey: DSA keys are not supported (expected: an RSA, EC or Ed25519 key)");
      default -> throw new IllegalArgumentException("privateKey: \"" + b.label
          + "\" blocks are not supported (expected: PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY)");
    };
  }

  /** Whether {@code key} is the private half of {@code publicKey}. */
  public static boolean matches(PrivateKey key, PublicKey publicKey) {
    if (key instanceof RSAKey r && publicKey instanceof RSAKey p) {
      return r.getModulus().equals(p.getModulus());
    }
    String algorithm = switch (key.getAlgorithm()) {
      case "EC" -> "SHA256withECDSA";
      case "EdDSA", "Ed25519", "Ed448" -> "EdDSA";
      default -> null;
    };
    if (algorithm == null) {
      return false;
    }
    try {
      byte[] probe = "capmesh key pair check".getBytes(StandardCharsets.US_ASCII);
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(probe);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(publicKey);
      verifier.update(probe);
      return verifier.verify(signature);
    } catch (GeneralSecurityException | RuntimeException e) {
      return false;
    }
  }

  // ---- PEM ----

  private record Block(String label, byte[] der, boolean encrypted) {}

  private static List<Block> blocks(String pem, String what) {
    var out = new ArrayList<Block>();
    int at = 0;
    while (true) {
      int begin = pem.indexOf("-----BEGIN ", at);
      if (begin < 0) {
        break;
      }
      int labelEnd = pem.indexOf("-----", begin + 11);
      if (labelEnd < 0) {
        throw new IllegalArgumentException(what + ": malformed PEM (a BEGIN line without its "
            + "closing dashes)");
      }
      String label = pem.substring(begin + 11, labelEnd);
      String endLine = "-----END " + label + "-----";
      int end = pem.indexOf(endLine, labelEnd + 5);
      if (end < 0) {
        throw new IllegalArgumentException(what + ": malformed PEM (no \"" + endLine + "\")");
      }
      String body = pem.substring(labelEnd + 5, end);
      boolean encrypted = false;
      var base64 = new StringBuilder();
      for (String line : body.split("\r?\n")) {
        String l = line.strip();
        if (l.contains(":")) { // RFC 1421 headers: Proc-Type, DEK-Info
          encrypted |= l.startsWith("Proc-Type:") && l.contains("ENCRYPTED");
          continue;
        }
        base64.append(l);
      }
      byte[] der;
      try {
        der = Base64.getDecoder().decode(base64.toString().replaceAll("\\s", ""));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(what + ": malformed PEM (the \"" + label
            + "\" block is not valid base64)");
      }
      if (der.length == 0) {
        throw new IllegalArgumentException(what + ": malformed PEM (the \"" + label
            + "\" block is empty)");
      }
      out.add(new Block(label, der, encrypted));
      at = end + endLine.length();
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException(what + ": not PEM (expected: -----BEGIN ...----- lines)");
    }
    return out;
  }

  // ---- keys ----

  private static PrivateKey pkcs8(byte[] der) {
    for (String algorithm : List.of("RSA", "EC", "Ed25519", "Ed448", "RSASSA-PSS", "DSA")) {
      try {
        PrivateKey key = KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
        if (key.getAlgorithm().equals("DSA")) {
          throw new IllegalArgumentException(
              "privateKey: DSA keys are not supported (expected: an RSA, EC or Ed25519 key)");
        }
        return key;
      } catch (GeneralSecurityException | RuntimeException e) {
        if (e instanceof IllegalArgumentException i && i.getMessage() != null
            && i.getMessage().startsWith("privateKey:")) {
          throw i;
        }
        // not this algorithm; try the next
      }
    }
    throw new IllegalArgumentException("privateKey: not a valid private key (expected: PKCS#8, "
        + "PKCS#1 RSA or SEC 1 EC, in PEM)");
  }

  private static PrivateKey pkcs8(byte[] der, String algorithm) {
    try {
      return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new IllegalArgumentException("privateKey: not a valid " + algorithm + " private key");
    }
  }

  /** The named-curve OID (with its tag) in a SEC 1 ECPrivateKey's [0] parameters. */
  private static byte[] curveOf(byte[] sec1) {
    try {
      var r = new DerReader(sec1);
      var seq = r.enter(0x30);
      seq.skip(0x02); // version
      seq.skip(0x04); // the private key
      while (seq.more()) {
        int tag = seq.peek();
        if (tag == 0xa0) {
          var params = seq.enter(0xa0);
          if (params.peek() == 0x06) {
            return params.element();
          }
          break;
        }
        seq.element();
      }
    } catch (IndexOutOfBoundsException | IllegalStateException e) {
      throw new IllegalArgumentException("privateKey: not a valid EC private key");
    }
    throw new IllegalArgumentException("privateKey: the EC PRIVATE KEY names no curve (expected: "
        + "a named curve such as P-256, or a PKCS#8 key)");
  }

  /** Just enough DER to walk a SEC 1 structure. */
  private static final class DerReader {
    private final byte[] in;
    private int at;
    private final int end;

    DerReader(byte[] in) {
      this(in, 0, in.length);
    }

    private DerReader(byte[] in, int from, int to) {
      this.in = in;
      this.at = from;
      this.end = to;
    }

    boolean more() {
      return at < end;
    }

    int peek() {
      return in[at] & 0xff;
    }

    private int[] header() {
      int p = at + 1;
      int len = in[p++] & 0xff;
      if (len >= 0x80) {
        int n = len & 0x7f;
        if (n == 0 || n > 3) {
          throw new IllegalStateException("bad length");
        }
        len = 0;
        for (int i = 0; i < n; i++) {
          len = (len << 8) | (in[p++] & 0xff);
        }
      }
      if (p + len > end) {
        throw new IllegalStateException("truncated");
      }
      return new int[] {p, len};
    }

    DerReader enter(int tag) {
      if (peek() != tag) {
        throw new IllegalStateException("unexpected tag");
      }
      int[] h = header();
      at = h[0] + h[1];
      return new DerReader(in, h[0], h[0] + h[1]);
    }

    void skip(int tag) {
      if (peek() != tag) {
        throw new IllegalStateException("unexpected tag");
      }
      element();
    }

    /** The whole next element, tag and length included. */
    byte[] element() {
      int start = at;
      int[] h = header();
      at = h[0] + h[1];
      return java.util.Arrays.copyOfRange(in, start, at);
    }
  }

  private static byte[] integerZero() {
    return new byte[] {0x02, 0x01, 0x00};
  }

  private static byte[] octets(byte[] content) {
    return tagged(0x04, content);
  }

  private static byte[] sequence(byte[]... parts) {
    var body = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      body.writeBytes(p);
    }
    return tagged(0x30, body.toByteArray());
  }

  private static byte[] tagged(int tag, byte[] content) {
    var out = new ByteArrayOutputStream();
    out.write(tag);
    int n = content.length;
    if (n < 0x80) {
      out.write(n);
    } else if (n < 0x100) {
      out.write(0x81);
      out.write(n);
    } else if (n < 0x10000) {
      out.write(0x82);
      out.write(n >> 8);
      out.write(n);
    } else {
      out.write(0x83);
      out.write(n >> 16);
      out.write(n >> 8);
      out.write(n);
    }
    out.writeBytes(content);
    return out.toByteArray();
  }

  private static byte[] hex(String s) {
    return java.util.HexFormat.of().parseHex(s);
  }
}
