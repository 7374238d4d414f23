package dev.capmesh.crypto;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPrivateKeySpec;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.crypto.KeyAgreement;
import org.jspecify.annotations.Nullable;

/** ECDSA and ECDH keys on P-256, P-384 and P-521. */
final class Ec {
  private Ec() {}

  private static Set<String> allowed(String name, String type) {
    boolean ecdsa = name.equals("ECDSA");
    return switch (type) {
      case "public" -> ecdsa ? Set.of("verify") : Set.of();
      case "private" -> ecdsa ? Set.of("sign") : Set.of("deriveKey", "deriveBits");
      default -> ecdsa ? Set.of("sign", "verify") : Set.of("deriveKey", "deriveBits");
    };
  }

  private static KeyFactory factory() throws GeneralSecurityException {
    return KeyFactory.getInstance("EC");
  }

  private static String jose(Curves c) {
    return "ES" + (c.name().equals("P-521") ? "512" : c.name().substring(2));
  }

  static CryptoKeyObject importKey(String name, String format, Object data, Params alg, boolean extractable,
      List<String> usages) {
    Curves curve = Curves.named(alg.string("namedCurve"));
    KeyAlgorithm ka = KeyAlgorithm.ec(name, curve.name());
    try {
      switch (format) {
        case "spki" -> {
          Usages.require(usages, allowed(name, "public"), "an " + name + " public key");
          ECPublicKey key = (ECPublicKey) factory().generatePublic(new X509EncodedKeySpec((byte[]) data));
          checkCurve(curve, Curves.of(key.getParams()));
          if (!curve.onCurve(key.getW())) {
            throw CryptoError.data("the " + curve.name() + " point is not on the curve");
          }
          return CryptoKeyObject.ofPublic(ka, key, extractable, usages);
        }
        case "raw" -> {
          Usages.require(usages, allowed(name, "public"), "an " + name + " public key");
          ECPoint q = curve.decode((byte[]) data);
          return CryptoKeyObject.ofPublic(ka, publicKey(curve, q), extractable, usages);
        }
        case "pkcs8" -> {
          Usages.require(usages, allowed(name, "private"), "an " + name + " private key");
          ECPrivateKey key = (ECPrivateKey) factory().generatePrivate(new PKCS8EncodedKeySpec((byte[]) data));
          checkCurve(curve, Curves.of(key.getParams()));
          Usages.nonEmpty(usages, "private");
          return CryptoKeyObject.ofPrivate(ka, key, extractable, usages);
        }
        case "jwk" -> {
          Jwk jwk = (Jwk) data;
          boolean isPrivate = jwk.has("d");
          Usages.require(usages, allowed(name, isPrivate ? "private" : "public"),
              "an " + name + (isPrivate ? " private" : " public") + " key");
          jwk.check("EC", name.equals("ECDSA") ? jose(curve) : null, name.equals("ECDSA") ? "sig" : "enc",
              extractable, usages);
          if (!curve.name().equals(jwk.optString("crv"))) {
            throw CryptoError.data("JWK \"crv\" is " + jwk.optString("crv") + " (expected: " + curve.name() + ")");
          }
          byte[] x = jwk.bytes("x");
          byte[] y = jwk.bytes("y");
          if (x.length != curve.size() || y.length != curve.size()) {
            throw CryptoError.data("JWK \"x\" and \"y\" of a " + curve.name() + " key are " + curve.size() + " bytes each");
          }
          ECPoint q = new ECPoint(new BigInteger(1, x), new BigInteger(1, y));
          if (!curve.onCurve(q)) {
            throw CryptoError.data("the " + curve.name() + " point is not on the curve");
          }
          if (!isPrivate) {
            return CryptoKeyObject.ofPublic(ka, publicKey(curve, q), extractable, usages);
          }
          byte[] d = jwk.bytes("d");
          if (d.length != curve.size()) {
            throw CryptoError.data("JWK \"d\" of a " + curve.name() + " key is " + curve.size() + " bytes");
          }
          BigInteger s = new BigInteger(1, d);
          if (s.signum() == 0 || s.compareTo(curve.spec().getOrder()) >= 0 || !curve.publicPoint(s).equals(q)) {
            throw CryptoError.data("JWK \"d\" does not match \"x\" and \"y\"");
          }
          Usages.nonEmpty(usages, "private");
          return CryptoKeyObject.ofPrivate(ka, factory().generatePrivate(new ECPrivateKeySpec(s, curve.spec())),
              extractable, usages);
        }
        default -> throw CryptoError.notSupported("EC keys cannot be imported in the " + format + " format");
      }
    } catch (GeneralSecurityException | ClassCastException e) {
      throw CryptoError.data("the " + format + " data is not a valid " + curve.name() + " key");
    }
  }

  private static void checkCurve(Curves expected, @Nullable Curves actual) {
    if (actual != expected) {
      throw CryptoError.data("the key is on " + (actual == null ? "another curve" : actual.name())
          + ", not " + expected.name());
    }
  }

  private static ECPublicKey publicKey(Curves curve, ECPoint q) throws GeneralSecurityException {
    return (ECPublicKey) factory().generatePublic(new ECPublicKeySpec(q, curve.spec()));
  }

  static KeyPairObjects generate(String name, Params alg, boolean extractable, List<String> usages,
      SecureRandom random) {
    Curves curve = Curves.named(alg.string("namedCurve"));
    Usages.require(usages, allowed(name, "pair"), "an " + name + " key");
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec(curve.jcaName()), random);
      KeyPair pair = g.generateKeyPair();
      KeyAlgorithm ka = KeyAlgorithm.ec(name, curve.name());
      List<String> privateUsages = Usages.only(usages, allowed(name, "private"));
      Usages.nonEmpty(privateUsages, "private");
      return new KeyPairObjects(
          CryptoKeyObject.ofPublic(ka, pair.getPublic(), true, Usages.only(usages, allowed(name, "public"))),
          CryptoKeyObject.ofPrivate(ka, pair.getPrivate(), extractable, privateUsages));
    } catch (GeneralSecurityException e) {
      throw CryptoError.operation("EC key generation failed: " + e.getClass().getSimpleName());
    }
  }

  static Object export(String format, CryptoKeyObject key) {
    Curves curve = Curves.named(key.algorithm.namedCurve());
    switch (format) {
      case "spki" -> {
        requireType(key, "public", format);
        return key.publicKey.getEncoded();
      }
      case "raw" -> {
        requireType(key, "public", format);
        return curve.encode(((ECPublicKey) key.publicKey).getW());
      }
      case "pkcs8" -> {
        requireType(key, "private", format);
        return key.privateKey.getEncoded();
      }
      case "jwk" -> {
        Map<String, Object> jwk = Jwk.start("EC");
        jwk.put("crv", curve.name());
        ECPoint q;
        if (key.publicKey != null) {
          q = ((ECPublicKey) key.publicKey).getW();
        } else {
          q = curve.publicPoint(((ECPrivateKey) key.privateKey).getS());
        }
        jwk.put("x", Jwk.b64u(Jwk.unsignedBytes(q.getAffineX(), curve.size())));
        jwk.put("y", Jwk.b64u(Jwk.unsignedBytes(q.getAffineY(), curve.size())));
        if (key.privateKey != null) {
          jwk.put("d", Jwk.b64u(Jwk.unsignedBytes(((ECPrivateKey) key.privateKey).getS(), curve.size())));
        }
        // No alg: WebCrypto leaves it out for EC keys (the hash is not part of the key).
        return Jwk.finish(jwk, key);
      }
      default -> throw CryptoError.notSupported("EC keys cannot be exported in the " + format + " format");
    }
  }

  static void requireType(CryptoKeyObject key, String type, String format) {
    if (!key.type.equals(type)) {
      throw CryptoError.invalidAccess("only a " + type + " key can be exported in the " + format
          + " format; this is a " + key.type + " key");
    }
  }

  private static String signatureName(String hash) {
    return Hashes.jca(hash) + "withECDSAinP1363Format";
  }

  static byte[] sign(Params alg, CryptoKeyObject key, byte[] data) {
    return Signatures.sign(Signatures.named(signatureName(alg.hash())), key.privateKey, data, "ECDSA");
  }

  static boolean verify(Params alg, CryptoKeyObject key, byte[] signature, byte[] data) {
    String hash = alg.hash();
    Curves curve = Curves.named(key.algorithm.namedCurve());
    if (signature.length != 2 * curve.size()) {
      return false;
    }
    return Signatures.verify(Signatures.named(signatureName(hash)), key.publicKey, signature, data, "ECDSA");
  }

  /** The shared secret of ECDH: the x coordinate, as many bytes as the field. */
  static byte[] ecdh(Params alg, CryptoKeyObject key) {
    CryptoKeyObject peer = alg.key("public");
    if (!peer.type.equals("public")) {
      throw CryptoError.invalidAccess("ECDH \"public\" must be a public key, not a " + peer.type + " key");
    }
    if (!peer.algorithm.name().equals(key.algorithm.name())) {
      throw CryptoError.invalidAccess("ECDH \"public\" is an " + peer.algorithm.name() + " key, not an ECDH key");
    }
    if (!peer.algorithm.namedCurve().equals(key.algorithm.namedCurve())) {
      throw CryptoError.invalidAccess("ECDH keys on different curves: " + key.algorithm.namedCurve()
          + " and " + peer.algorithm.namedCurve());
    }
    try {
      KeyAgreement ka = KeyAgreement.getInstance("ECDH");
      ka.init(key.privateKey);
      ka.doPhase(peer.publicKey, true);
      return ka.generateSecret();
    } catch (GeneralSecurityException e) {
      throw CryptoError.operation("ECDH failed: " + e.getClass().getSimpleName());
    }
  }
}
