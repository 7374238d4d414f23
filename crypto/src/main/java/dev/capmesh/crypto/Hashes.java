package dev.capmesh.crypto;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** The digest algorithms WebCrypto names, and their sizes. */
final class Hashes {
  private Hashes() {}

  /** The canonical name of a hash (case-insensitive); NotSupportedError otherwise. */
  static String normalize(String name) {
    return switch (Params.upper(name)) {
      case "SHA-1" -> "SHA-1";
      case "SHA-256" -> "SHA-256";
      case "SHA-384" -> "SHA-384";
      case "SHA-512" -> "SHA-512";
      default -> throw CryptoError.notSupported("Unrecognized hash name: " + name
          + " (expected: SHA-1, SHA-256, SHA-384 or SHA-512)");
    };
  }

  static MessageDigest digest(String hash) {
    try {
      return MessageDigest.getInstance(hash);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK lacks " + hash, e);
    }
  }

  static int bytes(String hash) {
    return switch (hash) {
      case "SHA-1" -> 20;
      case "SHA-256" -> 32;
      case "SHA-384" -> 48;
      default -> 64;
    };
  }

  /** The block size in bits (HMAC's default key length). */
  static int blockBits(String hash) {
    return hash.equals("SHA-384") || hash.equals("SHA-512") ? 1024 : 512;
  }

  /** "SHA-256" to "SHA256", for JCA names like HmacSHA256 and SHA256withRSA. */
  static String jca(String hash) {
    return hash.replace("-", "");
  }

  /** The JOSE suffix: SHA-256 to "256", SHA-1 to "1". */
  static String jose(String hash) {
    return hash.substring(4);
  }
}
