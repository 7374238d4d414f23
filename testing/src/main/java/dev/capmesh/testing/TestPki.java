package dev.capmesh.testing;

import static java.util.Objects.requireNonNull;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Certificates made by the tests themselves: a CA and the certificates it signs, written in DER
 * with the JDK's own signatures (no tool, no file, no network). Keys are EC P-256 unless RSA is
 * asked for. Validity, names and the CA flag are whatever the test needs, including expired and
 * not-yet-valid certificates. Test code only: the modules use it in test scope.
 */
public final class TestPki {
  private static final AtomicLong SERIAL = new AtomicLong(System.nanoTime() & 0xffffffffL);
  private static final byte[] ECDSA_SHA256 = hex("300a06082a8648ce3d040302");
  private static final byte[] RSA_SHA256 = hex("300d06092a864886f70d01010b0500");

  private TestPki() {}

  /** A certificate with its private key, and both as PEM. */
  public record Issued(X509Certificate certificate, PrivateKey privateKey) {
    /** The certificate as PEM. */
    public String certificatePem() {
      try {
        return pem("CERTIFICATE", certificate.getEncoded());
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
    }

    /** The key as PKCS#8 PEM ("BEGIN PRIVATE KEY"). */
    public String privateKeyPem() {
      return pem("PRIVATE KEY", privateKey.getEncoded());
    }

    /**
     * The key in OpenSSL's traditional form: "RSA PRIVATE KEY" (PKCS#1) or "EC PRIVATE KEY"
     * (SEC 1), i.e. the PKCS#8 structure's inner octet string.
     */
    public String traditionalKeyPem() {
      byte[] inner = lastOctetString(privateKey.getEncoded());
      if (privateKey.getAlgorithm().equals("RSA")) {
        return pem("RSA PRIVATE KEY", inner);
      }
      // OpenSSL writes the curve into the SEC 1 structure; the JDK leaves it to PKCS#8's header.
      if (!containsParameters(inner)) {
        byte[] content = java.util.Arrays.copyOfRange(inner, 2, inner.length);
        inner = seq(content, hex("a00a06082a8648ce3d030107"));
      }
      return pem("EC PRIVATE KEY", inner);
    }

    /** This certificate then {@code issuers}' certificates, as one PEM chain. */
    public String chainPem(Issued... issuers) {
      var out = new StringBuilder(certificatePem());
      for (Issued i : issuers) {
        out.append(i.certificatePem());
      }
      return out.toString();
    }
  }

  /** Starts a certificate for {@code commonName}: one day back to one day ahead, not a CA. */
  public static Builder certificate(String commonName) {
    return new Builder(commonName);
  }

  /** A self-signed CA valid from a day ago for ten years. */
  public static Issued ca(String commonName) {
    return certificate(commonName).ca().validFor(Duration.ofDays(1), Duration.ofDays(3650)).selfSigned();
  }

  /** What to put into a certificate. Not thread-safe. */
  public static final class Builder {
    private final String commonName;
    private boolean ca;
    private boolean rsa;
    private Instant notBefore = Instant.now().minus(Duration.ofDays(1));
    private Instant notAfter = Instant.now().plus(Duration.ofDays(1));
    private final List<String> dnsNames = new ArrayList<>();
    private final List<InetAddress> ips = new ArrayList<>();

    private Builder(String commonName) {
      this.commonName = requireNonNull(commonName, "commonName");
    }

    /** Marks it a CA (basicConstraints cA = true). */
    public Builder ca() {
      this.ca = true;
      return this;
    }

    /** An RSA 2048 key instead of EC P-256. */
    public Builder rsa() {
      this.rsa = true;
      return this;
    }

    /** Valid from {@code back} ago until {@code ahead} from now. */
    public Builder validFor(Duration back, Duration ahead) {
      return validBetween(Instant.now().minus(back), Instant.now().plus(ahead));
    }

    /** Valid exactly between these instants (may lie wholly in the past or the future). */
    public Builder validBetween(Instant from, Instant until) {
      this.notBefore = from;
      this.notAfter = until;
      return this;
    }

    /** A DNS subject alternative name. */
    public Builder dns(String name) {
      dnsNames.add(name);
      return this;
    }

    /** An IP subject alternative name, from an IP literal (no lookup). */
    public Builder ip(String literal) {
      // getByName parses a literal without any lookup; refuse anything else before it.
      if (!literal.matches("[0-9.]+|[0-9A-Fa-f:]*:[0-9A-Fa-f:.]*")) {
        throw new IllegalArgumentException("ip: " + literal + " (expected: an IP literal)");
      }
      try {
        ips.add(InetAddress.getByName(literal));
      } catch (java.net.UnknownHostException e) {
        throw new IllegalArgumentException("ip: " + literal + " (expected: an IP literal)", e);
      }
      return this;
    }

    /** Signs it with its own key. */
    public Issued selfSigned() {
      KeyPair pair = newKeyPair(rsa);
      return sign(pair, commonName, pair.getPrivate());
    }

    /** Signs it with {@code issuer}'s key. */
    public Issued signedBy(Issued issuer) {
      String issuerName = issuer.certificate().getSubjectX500Principal().getName("RFC2253");
      String cn = issuerName.startsWith("CN=") ? issuerName.substring(3) : issuerName;
      return sign(newKeyPair(rsa), cn, issuer.privateKey());
    }

    private Issued sign(KeyPair subject, String issuerCn, PrivateKey issuerKey) {
      boolean rsaIssuer = issuerKey.getAlgorithm().equals("RSA");
      byte[] algorithm = rsaIssuer ? RSA_SHA256 : ECDSA_SHA256;
      var extensions = new ArrayList<byte[]>();
      extensions.add(seq(hex("0603551d13"), hex("0101ff"),
          tlv(0x04, ca ? seq(hex("0101ff")) : seq())));
      if (!dnsNames.isEmpty() || !ips.isEmpty()) {
        var names = new ArrayList<byte[]>();
        dnsNames.forEach(d -> names.add(tlv(0x82, d.getBytes(java.nio.charset.StandardCharsets.US_ASCII))));
        ips.forEach(a -> names.add(tlv(0x87, a.getAddress())));
        extensions.add(seq(hex("0603551d11"), tlv(0x04, seq(names.toArray(byte[][]::new)))));
      }
      byte[] tbs = seq(
          hex("a003020102"),
          tlv(0x02, BigInteger.valueOf(SERIAL.incrementAndGet()).toByteArray()),
          algorithm,
          name(issuerCn),
          seq(time(notBefore), time(notAfter)),
          name(commonName),
          subject.getPublic().getEncoded(),
          tlv(0xa3, seq(extensions.toArray(byte[][]::new))));
      try {
        Signature s = Signature.getInstance(rsaIssuer ? "SHA256withRSA" : "SHA256withECDSA");
        s.initSign(issuerKey);
        s.update(tbs);
        byte[] sig = s.sign();
        byte[] bits = new byte[sig.length + 1];
        System.arraycopy(sig, 0, bits, 1, sig.length);
        byte[] der = seq(tbs, algorithm, tlv(0x03, bits));
        var cert = (X509Certificate) CertificateFactory.getInstance("X.509")
            .generateCertificate(new ByteArrayInputStream(der));
        return new Issued(cert, subject.getPrivate());
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  /** {@code der} as a PEM block with this label. */
  public static String pem(String label, byte[] der) {
    return "-----BEGIN " + label + "-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END " + label + "-----\n";
  }

  private static KeyPair newKeyPair(boolean rsa) {
    try {
      if (rsa) {
        var g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        return g.generateKeyPair();
      }
      var g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"));
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] name(String cn) {
    return seq(tlv(0x31, seq(hex("0603550403"),
        tlv(0x0c, cn.getBytes(java.nio.charset.StandardCharsets.UTF_8)))));
  }

  private static byte[] time(Instant t) {
    var utc = t.atOffset(ZoneOffset.UTC);
    if (utc.getYear() >= 1950 && utc.getYear() < 2050) {
      return tlv(0x17, DateTimeFormatter.ofPattern("yyMMddHHmmss'Z'").format(utc)
          .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }
    return tlv(0x18, DateTimeFormatter.ofPattern("yyyyMMddHHmmss'Z'").format(utc)
        .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
  }

  private static byte[] seq(byte[]... parts) {
    var body = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      body.writeBytes(p);
    }
    return tlv(0x30, body.toByteArray());
  }

  private static byte[] tlv(int tag, byte[] content) {
    var out = new ByteArrayOutputStream();
    out.write(tag);
    int n = content.length;
    if (n < 0x80) {
      out.write(n);
    } else if (n < 0x100) {
      out.write(0x81);
      out.write(n);
    } else {
      out.write(0x82);
      out.write(n >> 8);
      out.write(n);
    }
    out.writeBytes(content);
    return out.toByteArray();
  }

  private static boolean containsParameters(byte[] sec1) {
    int at = 2;
    while (at < sec1.length) {
      if ((sec1[at] & 0xff) == 0xa0) {
        return true;
      }
      at += 2 + (sec1[at + 1] & 0xff);
    }
    return false;
  }

  /** The content of the last top-level OCTET STRING in a PKCS#8 structure (the inner key). */
  private static byte[] lastOctetString(byte[] pkcs8) {
    int at = 2 + ((pkcs8[1] & 0x80) != 0 ? (pkcs8[1] & 0x7f) : 0); // inside the outer SEQUENCE
    byte[] last = null;
    while (at < pkcs8.length) {
      int tag = pkcs8[at] & 0xff;
      int p = at + 1;
      int len = pkcs8[p++] & 0xff;
      if (len >= 0x80) {
        int k = len & 0x7f;
        len = 0;
        for (int i = 0; i < k; i++) {
          len = (len << 8) | (pkcs8[p++] & 0xff);
        }
      }
      if (tag == 0x04) {
        last = java.util.Arrays.copyOfRange(pkcs8, p, p + len);
      }
      at = p + len;
    }
    if (last == null) {
      throw new IllegalStateException("no octet string in the PKCS#8 key");
    }
    return last;
  }

  private static byte[] hex(String s) {
    return java.util.HexFormat.of().parseHex(s);
  }
}
