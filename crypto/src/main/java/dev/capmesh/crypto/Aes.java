package dev.capmesh.crypto;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.crypto.AEADBadTagException;
import javax.crypto.BadPaddingException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/** AES-CTR, AES-CBC, AES-GCM and AES-KW keys and their operations. */
final class Aes {
  private static final Set<String> CIPHER_USAGES = Set.of("encrypt", "decrypt", "wrapKey", "unwrapKey");
  private static final Set<String> KW_USAGES = Set.of("wrapKey", "unwrapKey");
  private static final Set<Integer> GCM_TAGS = Set.of(32, 64, 96, 104, 112, 120, 128);

  private Aes() {}

  private static Set<String> usages(String name) {
    return name.equals("AES-KW") ? KW_USAGES : CIPHER_USAGES;
  }

  /** "AES-GCM" to "GCM", for the JOSE alg "A128GCM". */
  private static String mode(String name) {
    return name.substring(4);
  }

  static CryptoKeyObject importKey(String name, String format, Object data, boolean extractable, List<String> usages) {
    Usages.require(usages, usages(name), "an " + name + " key");
    byte[] bytes = switch (format) {
      case "raw" -> (byte[]) data;
      case "jwk" -> {
        Jwk jwk = (Jwk) data;
        jwk.check("oct", null, "enc", extractable, usages);
        byte[] k = jwk.bytes("k");
        String alg = jwk.optString("alg");
        if (alg != null && !alg.equals("A" + k.length * 8 + mode(name))) {
          throw CryptoError.data("JWK \"alg\" is \"" + alg + "\" (expected: \"A" + k.length * 8 + mode(name) + "\")");
        }
        yield k;
      }
      default -> throw CryptoError.notSupported("AES keys cannot be imported in the " + format + " format (expected: raw or jwk)");
    };
    if (bytes.length != 16 && bytes.length != 24 && bytes.length != 32) {
      throw CryptoError.data("an AES key is 16, 24 or 32 bytes long, not " + bytes.length);
    }
    Usages.nonEmpty(usages, "secret");
    return CryptoKeyObject.secret(KeyAlgorithm.aes(name, bytes.length * 8), bytes, extractable, usages);
  }

  static CryptoKeyObject generate(String name, Params alg, boolean extractable, List<String> usages, SecureRandom random) {
    Usages.require(usages, usages(name), "an " + name + " key");
    int length = keyLength(alg);
    Usages.nonEmpty(usages, "secret");
    byte[] bytes = new byte[length / 8];
    random.nextBytes(bytes);
    return CryptoKeyObject.secret(KeyAlgorithm.aes(name, length), bytes, extractable, usages);
  }

  static int keyLength(Params alg) {
    long length = alg.integer("length", 0xffff);
    if (length != 128 && length != 192 && length != 256) {
      throw CryptoError.operation("AES key length must be 128, 192 or 256 bits, not " + length);
    }
    return (int) length;
  }

  static Object export(String format, CryptoKeyObject key) {
    return switch (format) {
      case "raw" -> key.secretBytes().clone();
      case "jwk" -> {
        Map<String, Object> jwk = Jwk.start("oct");
        jwk.put("k", Jwk.b64u(key.secretBytes()));
        jwk.put("alg", "A" + key.algorithm.length() + mode(key.algorithm.name()));
        yield Jwk.finish(jwk, key);
      }
      default -> throw CryptoError.notSupported("AES keys cannot be exported in the " + format + " format (expected: raw or jwk)");
    };
  }

  private static SecretKeySpec spec(CryptoKeyObject key) {
    return new SecretKeySpec(key.secretBytes(), "AES");
  }

  static byte[] cipher(boolean encrypt, Params alg, CryptoKeyObject key, byte[] data) {
    return switch (key.algorithm.name()) {
      case "AES-CBC" -> cbc(encrypt, alg, key, data);
      case "AES-CTR" -> ctr(alg, key, data);
      case "AES-GCM" -> encrypt ? gcmEncrypt(alg, key, data) : gcmDecrypt(alg, key, data);
      default -> throw new IllegalStateException(key.algorithm.name());
    };
  }

  private static byte[] cbc(boolean encrypt, Params alg, CryptoKeyObject key, byte[] data) {
    byte[] iv = alg.bytes("iv");
    if (iv.length != 16) {
      throw CryptoError.operation("AES-CBC iv must be 16 bytes, not " + iv.length);
    }
    try {
      Cipher c = Cipher.getInstance("AES/CBC/PKCS5Padding");
      c.init(encrypt ? Cipher.ENCRYPT_MODE : Cipher.DECRYPT_MODE, spec(key), new IvParameterSpec(iv));
      return c.doFinal(data);
    } catch (BadPaddingException | javax.crypto.IllegalBlockSizeException e) {
      throw CryptoError.operation("AES-CBC decryption failed (bad padding or length)");
    } catch (GeneralSecurityException e) {
      throw CryptoError.operation("AES-CBC failed: " + e.getClass().getSimpleName());
    }
  }

  /**
   * CTR as WebCrypto defines it: only the rightmost {@code length} bits of the counter block
   * count, and wrap around; the JDK's CTR mode increments all 128, so the keystream is built here.
   */
  private static byte[] ctr(Params alg, CryptoKeyObject key, byte[] data) {
    byte[] counter = alg.bytes("counter");
    long length = alg.integer("length", 0xff);
    if (counter.length != 16) {
      throw CryptoError.operation("AES-CTR counter must be 16 bytes, not " + counter.length);
    }
    if (length == 0 || length > 128) {
      throw CryptoError.operation("AES-CTR length must be 1 to 128 bits, not " + length);
    }
    long blocks = (data.length + 15L) / 16;
    if (length < 63 && blocks > (1L << length)) {
      throw CryptoError.operation("AES-CTR: the data is longer than a " + length + "-bit counter can cover");
    }
    try {
      java.math.BigInteger low = new java.math.BigInteger(1, counter)
          .and(java.math.BigInteger.ONE.shiftLeft((int) length).subtract(java.math.BigInteger.ONE));
      if (low.add(java.math.BigInteger.valueOf(Math.max(blocks - 1, 0))).bitLength() <= length) {
        // No wrap within this message: the JDK's full-width increment gives the same blocks.
        Cipher c = Cipher.getInstance("AES/CTR/NoPadding");
        c.init(Cipher.ENCRYPT_MODE, spec(key), new IvParameterSpec(counter));
        return c.doFinal(data);
      }
      Cipher ecb = Cipher.getInstance("AES/ECB/NoPadding");
      ecb.init(Cipher.ENCRYPT_MODE, spec(key));
      java.math.BigInteger block = new java.math.BigInteger(1, counter);
      java.math.BigInteger mask = java.math.BigInteger.ONE.shiftLeft((int) length).subtract(java.math.BigInteger.ONE);
      java.math.BigInteger fixed = block.andNot(mask);
      java.math.BigInteger count = block.and(mask);
      byte[] out = new byte[data.length];
      byte[] stream = new byte[16];
      for (int i = 0; i < data.length; i += 16) {
        byte[] in = Jwk.unsignedBytes(fixed.or(count), 16);
        ecb.update(in, 0, 16, stream, 0);
        for (int j = 0; j < 16 && i + j < data.length; j++) {
          out[i + j] = (byte) (data[i + j] ^ stream[j]);
        }
        count = count.add(java.math.BigInteger.ONE).and(mask);
      }
      return out;
    } catch (GeneralSecurityException e) {
      throw CryptoError.operation("AES-CTR failed: " + e.getClass().getSimpleName());
    }
  }

  private static int tagBits(Params alg) {
    Long tag = alg.optInteger("tagLength", 0xff);
    int bits = tag == null ? 128 : tag.intValue();
    if (!GCM_TAGS.contains(bits)) {
      throw CryptoError.operation("AES-GCM tagLength must be 32, 64, 96, 104, 112, 120 or 128, not " + bits);
    }
    return bits;
  }

  private static byte[] gcmIv(Params alg) {
    byte[] iv = alg.bytes("iv");
    if (iv.length == 0) {
      throw CryptoError.operation("AES-GCM iv must not be empty");
    }
    return iv;
  }

  /** Encrypts with a full 128-bit tag; shorter tags are its prefix (NIST SP 800-38D 7.1). */
  private static byte[] gcmFull(CryptoKeyObject key, byte[] iv, byte[] aad, byte[] data) throws GeneralSecurityException {
    Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
    c.init(Cipher.ENCRYPT_MODE, spec(key), new GCMParameterSpec(128, iv));
    c.updateAAD(aad);
    return c.doFinal(data);
  }

  private static byte[] gcmEncrypt(Params alg, CryptoKeyObject key, byte[] data) {
    byte[] iv = gcmIv(alg);
    byte[] aad = alg.has("additionalData") ? alg.bytes("additionalData") : new byte[0];
    int tagBytes = tagBits(alg) / 8;
    try {
      byte[] full = gcmFull(key, iv, aad, data);
      return Arrays.copyOf(full, data.length + tagBytes);
    } catch (GeneralSecurityException e) {
      throw CryptoError.operation("AES-GCM failed: " + e.getClass().getSimpleName());
    }
  }

  private static byte[] gcmDecrypt(Params alg, CryptoKeyObject key, byte[] data) {
    byte[] iv = gcmIv(alg);
    byte[] aad = alg.has("additionalData") ? alg.bytes("additionalData") : new byte[0];
    int tagBits = tagBits(alg);
    int tagBytes = tagBits / 8;
    if (data.length < tagBytes) {
      throw CryptoError.operation("AES-GCM: the data is shorter than the tag");
    }
    try {
      if (tagBits >= 96) {
        Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
        c.init(Cipher.DECRYPT_MODE, spec(key), new GCMParameterSpec(tagBits, iv));
        c.updateAAD(aad);
        return c.doFinal(data);
      }
      // The JDK checks only tags of 96 bits and more. GCM encryption is CTR: encrypting the
      // ciphertext gives the plaintext; encrypting that gives the full tag to compare a prefix of.
      byte[] body = Arrays.copyOf(data, data.length - tagBytes);
      byte[] plain = Arrays.copyOf(gcmFull(key, iv, new byte[0], body), body.length);
      byte[] full = gcmFull(key, iv, aad, plain);
      byte[] expected = Arrays.copyOfRange(full, plain.length, plain.length + tagBytes);
      byte[] given = Arrays.copyOfRange(data, body.length, data.length);
      if (!MessageDigest.isEqual(expected, given)) {
        throw CryptoError.operation("AES-GCM decryption failed (the tag does not match)");
      }
      return plain;
    } catch (AEADBadTagException e) {
      throw CryptoError.operation("AES-GCM decryption failed (the tag does not match)");
    } catch (GeneralSecurityException e) {
      throw CryptoError.operation("AES-GCM failed: " + e.getClass().getSimpleName());
    }
  }

  /** RFC 3394 key wrap. */
  static byte[] kw(boolean wrap, CryptoKeyObject key, byte[] data) {
    if (data.length % 8 != 0 || data.length < (wrap ? 16 : 24)) {
      throw CryptoError.operation("AES-KW " + (wrap ? "wraps" : "unwraps") + " a multiple of 8 bytes, at least "
          + (wrap ? 16 : 24) + ", not " + data.length);
    }
    try {
      Cipher c = Cipher.getInstance("AES/KW/NoPadding");
      c.init(wrap ? Cipher.ENCRYPT_MODE : Cipher.DECRYPT_MODE, spec(key));
      return c.doFinal(data);
    } catch (BadPaddingException e) {
      throw CryptoError.operation("AES-KW unwrapping failed (integrity check)");
    } catch (GeneralSecurityException e) {
      throw CryptoError.operation("AES-KW failed: " + e.getClass().getSimpleName());
    }
  }
}
