package dev.capmesh.crypto;

import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.spec.ECFieldFp;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The NIST curves WebCrypto names (P-256, P-384, P-521), and the little affine arithmetic the
 * JDK does not expose: checking a point is on the curve, decompressing one, and computing the
 * public point of a private scalar (for exporting an imported private key as JWK).
 */
record Curves(String name, String jcaName, ECParameterSpec spec, int size) {
  static final List<Curves> ALL = List.of(
      of("P-256", "secp256r1", 32), of("P-384", "secp384r1", 48), of("P-521", "secp521r1", 66));

  private static Curves of(String name, String jca, int size) {
    try {
      AlgorithmParameters p = AlgorithmParameters.getInstance("EC");
      p.init(new ECGenParameterSpec(jca));
      return new Curves(name, jca, p.getParameterSpec(ECParameterSpec.class), size);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK lacks " + jca, e);
    }
  }

  /** The curve named {@code name} (exact, as WebCrypto compares); NotSupportedError otherwise. */
  static Curves named(String name) {
    for (Curves c : ALL) {
      if (c.name.equals(name)) {
        return c;
      }
    }
    throw CryptoError.notSupported("Unrecognized namedCurve: " + name + " (expected: P-256, P-384 or P-521)");
  }

  /** The curve of {@code spec}, or null when it is none of ours. */
  static @Nullable Curves of(ECParameterSpec spec) {
    for (Curves c : ALL) {
      if (c.spec.getOrder().equals(spec.getOrder()) && c.spec.getCurve().equals(spec.getCurve())) {
        return c;
      }
    }
    return null;
  }

  private BigInteger p() {
    return ((ECFieldFp) spec.getCurve().getField()).getP();
  }

  boolean onCurve(ECPoint q) {
    if (q.equals(ECPoint.POINT_INFINITY)) {
      return false;
    }
    BigInteger p = p();
    BigInteger x = q.getAffineX();
    BigInteger y = q.getAffineY();
    if (x.signum() < 0 || x.compareTo(p) >= 0 || y.signum() < 0 || y.compareTo(p) >= 0) {
      return false;
    }
    return y.multiply(y).mod(p).equals(rhs(x));
  }

  private BigInteger rhs(BigInteger x) {
    BigInteger p = p();
    return x.pow(3).add(spec.getCurve().getA().multiply(x)).add(spec.getCurve().getB()).mod(p);
  }

  /** An SEC1 point (uncompressed 04 x y, or compressed 02/03 x); DataError when malformed. */
  ECPoint decode(byte[] b) {
    ECPoint q;
    if (b.length == 1 + 2 * size && b[0] == 4) {
      q = new ECPoint(new BigInteger(1, java.util.Arrays.copyOfRange(b, 1, 1 + size)),
          new BigInteger(1, java.util.Arrays.copyOfRange(b, 1 + size, b.length)));
    } else if (b.length == 1 + size && (b[0] == 2 || b[0] == 3)) {
      BigInteger p = p();
      BigInteger x = new BigInteger(1, java.util.Arrays.copyOfRange(b, 1, b.length));
      if (x.compareTo(p) >= 0) {
        throw CryptoError.data("the " + name + " point is not on the curve");
      }
      // p = 3 (mod 4) for all three curves, so a square root is a power.
      BigInteger y = rhs(x).modPow(p.add(BigInteger.ONE).shiftRight(2), p);
      if (y.testBit(0) != (b[0] == 3)) {
        y = p.subtract(y).mod(p);
      }
      q = new ECPoint(x, y);
    } else {
      throw CryptoError.data("a raw " + name + " public key is " + (1 + 2 * size) + " bytes (04 x y) or "
          + (1 + size) + " bytes (02/03 x), not " + b.length);
    }
    if (!onCurve(q)) {
      throw CryptoError.data("the " + name + " point is not on the curve");
    }
    return q;
  }

  byte[] encode(ECPoint q) {
    byte[] out = new byte[1 + 2 * size];
    out[0] = 4;
    System.arraycopy(Jwk.unsignedBytes(q.getAffineX(), size), 0, out, 1, size);
    System.arraycopy(Jwk.unsignedBytes(q.getAffineY(), size), 0, out, 1 + size, size);
    return out;
  }

  /** d * G, in affine coordinates (export only; the key is extractable, so timing is moot). */
  ECPoint publicPoint(BigInteger d) {
    BigInteger p = p();
    BigInteger a = spec.getCurve().getA();
    ECPoint r = ECPoint.POINT_INFINITY;
    ECPoint g = spec.getGenerator();
    for (int i = d.bitLength() - 1; i >= 0; i--) {
      r = add(r, r, p, a);
      if (d.testBit(i)) {
        r = add(r, g, p, a);
      }
    }
    return r;
  }

  private static ECPoint add(ECPoint s, ECPoint t, BigInteger p, BigInteger a) {
    if (s.equals(ECPoint.POINT_INFINITY)) {
      return t;
    }
    if (t.equals(ECPoint.POINT_INFINITY)) {
      return s;
    }
    BigInteger x1 = s.getAffineX(), y1 = s.getAffineY(), x2 = t.getAffineX(), y2 = t.getAffineY();
    BigInteger l;
    if (x1.equals(x2)) {
      if (y1.add(y2).mod(p).signum() == 0) {
        return ECPoint.POINT_INFINITY;
      }
      l = x1.pow(2).multiply(BigInteger.valueOf(3)).add(a).multiply(y1.shiftLeft(1).modInverse(p)).mod(p);
    } else {
      l = y2.subtract(y1).multiply(x2.subtract(x1).modInverse(p)).mod(p);
    }
    BigInteger x3 = l.pow(2).subtract(x1).subtract(x2).mod(p);
    BigInteger y3 = l.multiply(x1.subtract(x3)).subtract(y1).mod(p);
    return new ECPoint(x3, y3);
  }
}
