package dev.capmesh.crypto;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.SignatureException;
import java.security.interfaces.RSAKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.PSSParameterSpec;
import java.security.spec.RSAKeyGenParameterSpec;
import java.security.spec.RSAPrivateCrtKeySpec;
import java.security.spec.RSAPrivateKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.crypto.BadPaddingException;
import javax.crypto.Cipher;
import javax.crypto.IllegalBlockSizeException;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;

/** RSASSA-PKCS1-v1_5, RSA-PSS and RSA-OAEP keys (rsaEncryption SPKI/PKCS#8, as WebCrypto). */
final class Rsa {
  static final int MIN_MODULUS = 512;
  /**
   * The largest modulus generateKey makes. Key generation runs on the worker's thread and cannot
   * be interrupted mid-way when the worker runs out of CPU time; 4096 bits takes about a second.
   */
  static final int MAX_MODULUS = 4096;

  private Rsa() {}

  private static boolean oaep(String name) {
    return name.equals("RSA-OAEP");
  }

  private static Set<String> allowed(String name, String type) {
    return switch (type) {
      case "public" -> oaep(name) ? Set.of("encrypt", "wrapKey") : Set.of("verify");
      case "private" -> oaep(name) ? Set.of("decrypt", "unwrapKey") : Set.of("sign");
      default -> oaep(name) ? Set.of("encrypt", "decrypt", "wrapKey", "unwrapKey") : Set.of("sign", "verify");
    };
  }

  private static String jose(String name, String hash) {
    return switch (name) {
      case "RSA-OAEP" -> hash.equals("SHA-1") ? "RSA-OAEP" : "RSA-OAEP-" + Hashes.jose(hash);
      case "RSA-PSS" -> "PS" + Hashes.jose(hash);
      default -> "RS" + Hashes.jose(hash);
    };
  }

  private static KeyAlgorithm algorithm(String name, String hash, RSAKey key, BigInteger e) {
    return KeyAlgorithm.rsa(name, hash, key.getModulus().bitLength(), Jwk.unsignedBytes(e, 0));
  }

  static CryptoKeyObject importKey(String name, String format, Object data, Params alg, boolean extractable,
      List<String> usages) {
    String hash = alg.hash();
    try {
      KeyFactory f = KeyFactory.getInstance("RSA");
      switch (format) {
        case "spki" -> {
          Usages.require(usages, allowed(name, "public"), "an " + name + " public key");
          RSAPublicKey key = (RSAPublicKey) f.generatePublic(new X509EncodedKeySpec((byte[]) data));
          return CryptoKeyObject.ofPublic(algorithm(name, hash, key, key.getPublicExponent()), key, extractable, usages);
        }
        case "pkcs8" -> {
          Usages.require(usages, allowed(name, "private"), "an " + name + " private key");
          RSAPrivateKey key = (RSAPrivateKey) f.generatePrivate(new PKCS8EncodedKeySpec((byte[]) data));
          if (!(key instanceof RSAPrivateCrtKey crt)) {
            throw CryptoError.data("the PKCS#8 RSA key lacks its public exponent");
          }
          Usages.nonEmpty(usages, "private");
          return CryptoKeyObject.ofPrivate(algorithm(name, hash, key, crt.getPublicExponent()), key, extractable, usages);
        }
        case "jwk" -> {
          Jwk jwk = (Jwk) data;
          boolean isPrivate = jwk.has("d");
          Usages.require(usages, allowed(name, isPrivate ? "private" : "public"),
              "an " + name + (isPrivate ? " private" : " public") + " key");
          jwk.check("RSA", jose(name, hash), oaep(name) ? "enc" : "sig", extractable, usages);
          BigInteger n = jwk.unsigned("n");
          BigInteger e = jwk.unsigned("e");
          if (!isPrivate) {
            RSAPublicKey key = (RSAPublicKey) f.generatePublic(new RSAPublicKeySpec(n, e));
            return CryptoKeyObject.ofPublic(algorithm(name, hash, key, e), key, extractable, usages);
          }
          BigInteger d = jwk.unsigned("d");
          PrivateKey key;
          if (jwk.has("p")) {
            key = f.generatePrivate(new RSAPrivateCrtKeySpec(n, e, d, jwk.unsigned("p"), jwk.unsigned("q"),
                jwk.unsigned("dp"), jwk.unsigned("dq"), jwk.unsigned("qi")));
          } else {
            key = f.generatePrivate(new RSAPrivateKeySpec(n, d));
          }
          Usages.nonEmpty(usages, "private");
          return CryptoKeyObject.ofPrivate(algorithm(name, hash, (RSAKey) key, e), key, extractable, usages);
        }
        default -> throw CryptoError.notSupported(name + " keys cannot be imported in the " + format
            + " format (expected: spki, pkcs8 or jwk)");
      }
    } catch (GeneralSecurityException | ClassCastException e) {
      throw CryptoError.data("the " + format + " data is not a valid RSA key");
    }
  }

  static KeyPairObjects generate(String name, Params alg, boolean extractable, List<String> usages,
      SecureRandom random) {
    String hash = alg.hash();
    long bits = alg.integer("modulusLength", 0xffffffffL);
    BigInteger e = new BigInteger(1, alg.bytes("publicExponent"));
    Usages.require(usages, allowed(name, "pair"), "an " + name + " key");
    if (bits < MIN_MODULUS || bits > MAX_MODULUS || bits % 8 != 0) {
      throw CryptoError.operation("RSA modulusLength " + bits + " is not supported (expected: a multiple of 8 from "
          + MIN_MODULUS + " to " + MAX_MODULUS + ")");
    }
    if (!e.equals(BigInteger.valueOf(3)) && !e.equals(BigInteger.valueOf(65537))) {
      throw CryptoError.operation("RSA publicExponent " + e + " is not supported (expected: 3 or 65537)");
    }
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(new RSAKeyGenParameterSpec((int) bits, e), random);
      KeyPair pair = g.generateKeyPair();
      KeyAlgorithm ka = algorithm(name, hash, (RSAKey) pair.getPublic(), e);
      List<String> privateUsages = Usages.only(usages, allowed(name, "private"));
      Usages.nonEmpty(privateUsages, "private");
      return new KeyPairObjects(
          CryptoKeyObject.ofPublic(ka, pair.getPublic(), true, Usages.only(usages, allowed(name, "public"))),
          CryptoKeyObject.ofPrivate(ka, pair.getPrivate(), extractable, privateUsages));
    } catch (GeneralSecurityException ex) {
      throw CryptoError.operation("RSA key generation failed: " + ex.getClass().getSimpleName());
    }
  }

  static Object export(String format, CryptoKeyObject key) {
    switch (format) {
      case "spki" -> {
        Ec.requireType(key, "public", format);
        return key.publicKey.getEncoded();
      }
      case "pkcs8" -> {
        Ec.requireType(key, "private", format);
        return key.privateKey.getEncoded();
      }
      case "jwk" -> {
        Map<String, Object> jwk = Jwk.start("RSA");
        RSAKey rsa = (RSAKey) (key.publicKey != null ? key.publicKey : key.privateKey);
        jwk.put("n", Jwk.b64u(rsa.getModulus()));
        jwk.put("e", Jwk.b64u(new BigInteger(1, key.algorithm.publicExponent())));
        if (key.privateKey instanceof RSAPrivateKey p) {
          jwk.put("d", Jwk.b64u(p.getPrivateExponent()));
          if (p instanceof RSAPrivateCrtKey crt) {
            jwk.put("p", Jwk.b64u(crt.getPrimeP()));
            jwk.put("q", Jwk.b64u(crt.getPrimeQ()));
            jwk.put("dp", Jwk.b64u(crt.getPrimeExponentP()));
            jwk.put("dq", Jwk.b64u(crt.getPrimeExponentQ()));
            jwk.put("qi", Jwk.b64u(crt.getCrtCoefficient()));
          }
        }
        jwk.put("alg", jose(key.algorithm.name(), key.algorithm.hash()));
        return Jwk.finish(jwk, key);
      }
      default -> throw CryptoError.notSupported(key.algorithm.name() + " keys cannot be exported in the "
          + format + " format (expected: spki, pkcs8 or jwk)");
    }
  }

  private static Signature signature(CryptoKeyObject key, Params alg) throws GeneralSecurityException {
    String hash = key.algorithm.hash();
    if (key.algorithm.name().equals("RSA-PSS")) {
      long salt = alg.integer("saltLength", 0xffffffffL);
      Signature s = Signature.getInstance("RSASSA-PSS");
      s.setParameter(new PSSParameterSpec(hash, "MGF1", new MGF1ParameterSpec(hash), (int) Math.min(salt, Integer.MAX_VALUE), 1));
      return s;
    }
    return Signature.getInstance(Hashes.jca(hash) + "withRSA");
  }

  static byte[] sign(Params alg, CryptoKeyObject key, byte[] data) {
    try {
      Signature s = signature(key, alg);
      s.initSign(key.privateKey);
      s.update(data);
      return s.sign();
    } catch (SignatureException | java.security.InvalidKeyException | java.security.InvalidAlgorithmParameterException e) {
      throw CryptoError.operation(key.algorithm.name() + " signing failed (salt too long for the key?)");
    } catch (GeneralSecurityException e) {
      throw CryptoError.operation(key.algorithm.name() + " signing failed: " + e.getClass().getSimpleName());
    }
  }

  static boolean verify(Params alg, CryptoKeyObject key, byte[] signature, byte[] data) {
    try {
      Signature s = signature(key, alg);
      s.initVerify(key.publicKey);
      s.update(data);
      return s.verify(signature);
    } catch (SignatureException | java.security.InvalidAlgorithmParameterException e) {
      return false;
    } catch (GeneralSecurityException e) {
      throw CryptoError.operation(key.algorithm.name() + " verification failed: " + e.getClass().getSimpleName());
    }
  }

  static byte[] oaep(boolean encrypt, Params alg, CryptoKeyObject key, byte[] data) {
    String hash = key.algorithm.hash();
    byte[] label = alg.has("label") ? alg.bytes("label") : new byte[0];
    try {
      Cipher c = Cipher.getInstance("RSA/ECB/OAEPPadding");
      var spec = new OAEPParameterSpec(hash, "MGF1", new MGF1ParameterSpec(hash), new PSource.PSpecified(label));
      c.init(encrypt ? Cipher.ENCRYPT_MODE : Cipher.DECRYPT_MODE, encrypt ? key.publicKey : key.privateKey, spec);
      return c.doFinal(data);
    } catch (BadPaddingException | IllegalBlockSizeException e) {
      throw CryptoError.operation("RSA-OAEP " + (encrypt ? "encryption failed (data too long for the key)"
          : "decryption failed"));
    } catch (GeneralSecurityException e) {
      throw CryptoError.operation("RSA-OAEP failed: " + e.getClass().getSimpleName());
    }
  }
}
