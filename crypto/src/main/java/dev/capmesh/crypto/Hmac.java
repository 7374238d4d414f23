package dev.capmesh.crypto;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** HMAC keys: import (raw, jwk), export, generate, sign and verify. */
final class Hmac {
  private static final Set<String> USAGES = Set.of("sign", "verify");

  private Hmac() {}

  static CryptoKeyObject importKey(String format, Object data, Params alg, boolean extractable, List<String> usages) {
    String hash = alg.hash();
    Usages.require(usages, USAGES, "an HMAC key");
    byte[] bytes = switch (format) {
      case "raw" -> (byte[]) data;
      case "jwk" -> {
        Jwk jwk = (Jwk) data;
        jwk.check("oct", "HS" + Hashes.jose(hash), "sig", extractable, usages);
        yield jwk.bytes("k");
      }
      default -> throw CryptoError.notSupported("HMAC keys cannot be imported in the " + format + " format (expected: raw or jwk)");
    };
    if (bytes.length == 0) {
      throw CryptoError.data("an HMAC key must not be empty");
    }
    int length = bytes.length * 8;
    Long given = alg.optInteger("length", 0xffffffffL);
    if (given != null) {
      // The spec would allow a length cutting into the last byte; Node and BoringSSL do not.
      if (given != length) {
        throw CryptoError.data("HMAC length " + given + " is not the key's " + length + " bits");
      }
      length = given.intValue();
    }
    Usages.nonEmpty(usages, "secret");
    return CryptoKeyObject.secret(KeyAlgorithm.hmac(hash, length), bytes, extractable, usages);
  }

  static CryptoKeyObject generate(Params alg, boolean extractable, List<String> usages, SecureRandom random) {
    String hash = alg.hash();
    Usages.require(usages, USAGES, "an HMAC key");
    int length = keyLength(alg);
    Usages.nonEmpty(usages, "secret");
    byte[] bytes = new byte[(length + 7) / 8];
    random.nextBytes(bytes);
    if (length % 8 != 0) {
      bytes[bytes.length - 1] &= (byte) (0xff << (8 - length % 8));
    }
    return CryptoKeyObject.secret(KeyAlgorithm.hmac(hash, length), bytes, extractable, usages);
  }

  /** The key length in bits for generateKey and deriveKey (the hash's block size by default). */
  static int keyLength(Params alg) {
    String hash = alg.hash();
    Long length = alg.optInteger("length", 0xffffffffL);
    if (length == null) {
      return Hashes.blockBits(hash);
    }
    if (length == 0) {
      throw CryptoError.operation("HMAC key length must not be 0");
    }
    if (length > 8192) {
      throw CryptoError.operation("HMAC key length " + length + " is over 8192 bits");
    }
    return length.intValue();
  }

  static Object export(String format, CryptoKeyObject key) {
    return switch (format) {
      case "raw" -> key.secretBytes().clone();
      case "jwk" -> {
        Map<String, Object> jwk = Jwk.start("oct");
        jwk.put("k", Jwk.b64u(key.secretBytes()));
        jwk.put("alg", "HS" + Hashes.jose(key.algorithm.hash()));
        yield Jwk.finish(jwk, key);
      }
      default -> throw CryptoError.notSupported("HMAC keys cannot be exported in the " + format + " format (expected: raw or jwk)");
    };
  }

  static byte[] sign(CryptoKeyObject key, byte[] data) {
    try {
      return mac(key).doFinal(data);
    } catch (GeneralSecurityException e) {
      throw CryptoError.operation("HMAC failed: " + e.getClass().getSimpleName());
    }
  }

  /**
   * A Mac keyed with {@code key}, ready for data: a clone of the key's initialized Mac, made on
   * first use and kept on the key. Looking a Mac up in the providers and keying it cost more than
   * the HMAC of a few KiB; a clone is a copy of the digest state. The kept Mac is only ever
   * cloned, which reads it, so threads can share it.
   */
  private static Mac mac(CryptoKeyObject key) throws GeneralSecurityException {
    Mac prototype = key.hmacPrototype;
    if (prototype == null) {
      prototype = newMac(key);
      // Racing threads each make one; they are equal, and whichever is kept serves.
      key.hmacPrototype = prototype;
    }
    try {
      return (Mac) prototype.clone();
    } catch (CloneNotSupportedException e) {
      return newMac(key);
    }
  }

  private static Mac newMac(CryptoKeyObject key) throws GeneralSecurityException {
    Mac mac = Mac.getInstance("Hmac" + Hashes.jca(key.algorithm.hash()));
    mac.init(new SecretKeySpec(key.secretBytes(), "HMAC"));
    return mac;
  }

  static boolean verify(CryptoKeyObject key, byte[] signature, byte[] data) {
    return MessageDigest.isEqual(sign(key, data), signature);
  }
}
