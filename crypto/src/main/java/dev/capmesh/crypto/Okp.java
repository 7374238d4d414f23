package dev.capmesh.crypto;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.interfaces.EdECPrivateKey;
import java.security.interfaces.XECPrivateKey;
import java.security.spec.NamedParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.crypto.KeyAgreement;

/** Ed25519 (RFC 8032) and X25519 (RFC 7748) keys: 32-byte public keys and private seeds. */
final class Okp {
  private Okp() {}

  private static final byte[] ED_SPKI = hex("302a300506032b6570032100");
  private static final byte[] X_SPKI = hex("302a300506032b656e032100");
  private static final byte[] ED_PKCS8 = hex("302e020100300506032b657004220420");
  private static final byte[] X_PKCS8 = hex("302e020100300506032b656e04220420");

  private static byte[] hex(String s) {
    return java.util.HexFormat.of().parseHex(s);
  }

  private static boolean ed(String name) {
    return name.equals("Ed25519");
  }

  private static Set<String> allowed(String name, String type) {
    return switch (type) {
      case "public" -> ed(name) ? Set.of("verify") : Set.of();
      case "private" -> ed(name) ? Set.of("sign") : Set.of("deriveKey", "deriveBits");
      default -> ed(name) ? Set.of("sign", "verify") : Set.of("deriveKey", "deriveBits");
    };
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  static PublicKey publicFromRaw(String name, byte[] raw) throws GeneralSecurityException {
    if (raw.length != 32) {
      throw CryptoError.data("a raw " + name + " public key is 32 bytes, not " + raw.length);
    }
    return KeyFactory.getInstance(name).generatePublic(new X509EncodedKeySpec(concat(ed(name) ? ED_SPKI : X_SPKI, raw)));
  }

  private static PrivateKey privateFromRaw(String name, byte[] raw) throws GeneralSecurityException {
    if (raw.length != 32) {
      throw CryptoError.data("an " + name + " private key is 32 bytes, not " + raw.length);
    }
    return KeyFactory.getInstance(name).generatePrivate(new PKCS8EncodedKeySpec(concat(ed(name) ? ED_PKCS8 : X_PKCS8, raw)));
  }

  /** The 32 bytes of a public key (the tail of its fixed-size SPKI encoding). */
  static byte[] rawPublic(PublicKey key) {
    byte[] spki = key.getEncoded();
    return Arrays.copyOfRange(spki, spki.length - 32, spki.length);
  }

  static byte[] rawPrivate(PrivateKey key) {
    if (key instanceof EdECPrivateKey e) {
      return e.getBytes().orElseThrow();
    }
    return ((XECPrivateKey) key).getScalar().orElseThrow();
  }

  /**
   * The public key of a private one. The JDK has no API for it, but its generators take their
   * 32 random bytes as the private key: feeding them the known bytes yields the pair.
   */
  static PublicKey publicOf(String name, PrivateKey key) {
    byte[] seed = rawPrivate(key);
    SecureRandom fixed = new SecureRandom() {
      @Override public void nextBytes(byte[] bytes) {
        System.arraycopy(seed, 0, bytes, 0, Math.min(bytes.length, seed.length));
      }
    };
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance(name);
      g.initialize(new NamedParameterSpec(name), fixed);
      KeyPair pair = g.generateKeyPair();
      if (!Arrays.equals(rawPrivate(pair.getPrivate()), seed)) {
        throw new IllegalStateException("the JDK's " + name + " generator did not use the given seed");
      }
      return pair.getPublic();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void checkName(String name, java.security.Key key) {
    String params = key instanceof java.security.interfaces.EdECKey e ? e.getParams().getName()
        : key instanceof java.security.interfaces.XECKey x && x.getParams() instanceof NamedParameterSpec n
            ? n.getName() : "";
    if (!params.equalsIgnoreCase(name)) {
      throw CryptoError.data("the key is an " + params + " key, not " + name);
    }
  }

  static CryptoKeyObject importKey(String name, String format, Object data, boolean extractable, List<String> usages) {
    KeyAlgorithm ka = KeyAlgorithm.named(name);
    try {
      switch (format) {
        case "raw" -> {
          Usages.require(usages, allowed(name, "public"), "an " + name + " public key");
          return CryptoKeyObject.ofPublic(ka, publicFromRaw(name, (byte[]) data), extractable, usages);
        }
        case "spki" -> {
          Usages.require(usages, allowed(name, "public"), "an " + name + " public key");
          PublicKey key = KeyFactory.getInstance(name).generatePublic(new X509EncodedKeySpec((byte[]) data));
          checkName(name, key);
          return CryptoKeyObject.ofPublic(ka, key, extractable, usages);
        }
        case "pkcs8" -> {
          Usages.require(usages, allowed(name, "private"), "an " + name + " private key");
          PrivateKey key = KeyFactory.getInstance(name).generatePrivate(new PKCS8EncodedKeySpec((byte[]) data));
          checkName(name, key);
          Usages.nonEmpty(usages, "private");
          return CryptoKeyObject.ofPrivate(ka, key, extractable, usages);
        }
        case "jwk" -> {
          Jwk jwk = (Jwk) data;
          boolean isPrivate = jwk.has("d");
          Usages.require(usages, allowed(name, isPrivate ? "private" : "public"),
              "an " + name + (isPrivate ? " private" : " public") + " key");
          jwk.check("OKP", null, ed(name) ? "sig" : "enc", extractable, usages);
          String alg = jwk.optString("alg");
          if (ed(name) && alg != null && !alg.equals("Ed25519") && !alg.equals("EdDSA")) {
            throw CryptoError.data("JWK \"alg\" is \"" + alg + "\" (expected: \"Ed25519\" or \"EdDSA\")");
          }
          if (!name.equals(jwk.optString("crv"))) {
            throw CryptoError.data("JWK \"crv\" is " + jwk.optString("crv") + " (expected: " + name + ")");
          }
          byte[] x = jwk.bytes("x");
          PublicKey pub = publicFromRaw(name, x);
          if (!isPrivate) {
            return CryptoKeyObject.ofPublic(ka, pub, extractable, usages);
          }
          PrivateKey key = privateFromRaw(name, jwk.bytes("d"));
          if (!Arrays.equals(rawPublic(publicOf(name, key)), x)) {
            throw CryptoError.data("JWK \"d\" does not match \"x\"");
          }
          Usages.nonEmpty(usages, "private");
          return CryptoKeyObject.ofPrivate(ka, key, extractable, usages);
        }
        default -> throw CryptoError.notSupported(name + " keys cannot be imported in the " + format + " format");
      }
    } catch (GeneralSecurityException | ClassCastException | java.util.NoSuchElementException e) {
      throw CryptoError.data("the " + format + " data is not a valid " + name + " key");
    }
  }

  static KeyPairObjects generate(String name, boolean extractable, List<String> usages, SecureRandom random) {
    Usages.require(usages, allowed(name, "pair"), "an " + name + " key");
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance(name);
      g.initialize(new NamedParameterSpec(name), random);
      KeyPair pair = g.generateKeyPair();
      KeyAlgorithm ka = KeyAlgorithm.named(name);
      List<String> privateUsages = Usages.only(usages, allowed(name, "private"));
      Usages.nonEmpty(privateUsages, "private");
      return new KeyPairObjects(
          CryptoKeyObject.ofPublic(ka, pair.getPublic(), true, Usages.only(usages, allowed(name, "public"))),
          CryptoKeyObject.ofPrivate(ka, pair.getPrivate(), extractable, privateUsages));
    } catch (GeneralSecurityException e) {
      throw CryptoError.operation(name + " key generation failed: " + e.getClass().getSimpleName());
    }
  }

  static Object export(String format, CryptoKeyObject key) {
    String name = key.algorithm.name();
    switch (format) {
      case "raw" -> {
        Ec.requireType(key, "public", format);
        return rawPublic(key.publicKey);
      }
      case "spki" -> {
        Ec.requireType(key, "public", format);
        return concat(ed(name) ? ED_SPKI : X_SPKI, rawPublic(key.publicKey));
      }
      case "pkcs8" -> {
        Ec.requireType(key, "private", format);
        return concat(ed(name) ? ED_PKCS8 : X_PKCS8, rawPrivate(key.privateKey));
      }
      case "jwk" -> {
        Map<String, Object> jwk = Jwk.start("OKP");
        jwk.put("crv", name);
        PublicKey pub = key.publicKey != null ? key.publicKey : publicOf(name, key.privateKey);
        jwk.put("x", Jwk.b64u(rawPublic(pub)));
        if (key.privateKey != null) {
          jwk.put("d", Jwk.b64u(rawPrivate(key.privateKey)));
        }
        if (ed(name)) {
          jwk.put("alg", "Ed25519");
        }
        return Jwk.finish(jwk, key);
      }
      default -> throw CryptoError.notSupported(name + " keys cannot be exported in the " + format + " format");
    }
  }

  static byte[] sign(CryptoKeyObject key, byte[] data) {
    return Signatures.sign(Signatures.named("Ed25519"), key.privateKey, data, "Ed25519");
  }

  static boolean verify(CryptoKeyObject key, byte[] signature, byte[] data) {
    if (signature.length != 64) {
      return false;
    }
    return Signatures.verify(Signatures.named("Ed25519"), key.publicKey, signature, data, "Ed25519");
  }

  static byte[] x25519(Params alg, CryptoKeyObject key) {
    CryptoKeyObject peer = alg.key("public");
    if (!peer.type.equals("public")) {
      throw CryptoError.invalidAccess("X25519 \"public\" must be a public key, not a " + peer.type + " key");
    }
    if (!peer.algorithm.name().equals("X25519")) {
      throw CryptoError.invalidAccess("X25519 \"public\" is an " + peer.algorithm.name() + " key, not an X25519 key");
    }
    byte[] secret;
    try {
      KeyAgreement ka = KeyAgreement.getInstance("X25519");
      ka.init(key.privateKey);
      ka.doPhase(peer.publicKey, true);
      secret = ka.generateSecret();
    } catch (GeneralSecurityException e) {
      throw CryptoError.operation("X25519 failed (a small-order public key?)");
    }
    boolean zero = true;
    for (byte b : secret) {
      zero &= b == 0;
    }
    if (zero) {
      throw CryptoError.operation("X25519 gave the all-zero secret (a small-order public key)");
    }
    return secret;
  }
}
