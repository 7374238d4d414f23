package dev.capmesh.crypto;

import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;

/** HKDF (RFC 5869) and PBKDF2 (RFC 8018) base keys and deriveBits. */
final class Kdf {
  private static final Set<String> USAGES = Set.of("deriveKey", "deriveBits");
  /** workerd's limit: more iterations are refused rather than burning a request's CPU. */
  static final long MAX_PBKDF2_ITERATIONS = 100_000;

  private Kdf() {}

  static CryptoKeyObject importKey(String name, String format, Object data, boolean extractable, List<String> usages) {
    if (!format.equals("raw")) {
      throw CryptoError.notSupported(name + " keys can only be imported in the raw format");
    }
    Usages.require(usages, USAGES, "a " + name + " key");
    if (extractable) {
      throw CryptoError.syntax(name + " keys are not extractable");
    }
    Usages.nonEmpty(usages, "secret");
    return CryptoKeyObject.secret(KeyAlgorithm.named(name), (byte[]) data, false, usages);
  }

  static byte[] hkdf(Params alg, CryptoKeyObject key, @Nullable Long length) {
    String hash = alg.hash();
    byte[] salt = alg.bytes("salt");
    byte[] info = alg.bytes("info");
    int bytes = byteLength("HKDF", length);
    int hashLen = Hashes.bytes(hash);
    if (bytes > 255 * hashLen) {
      throw CryptoError.operation("HKDF cannot derive " + length + " bits with " + hash + " (at most " + 255 * hashLen * 8 + ")");
    }
    try {
      Mac mac = Mac.getInstance("Hmac" + Hashes.jca(hash));
      mac.init(new SecretKeySpec(salt.length == 0 ? new byte[hashLen] : salt, "HMAC"));
      byte[] prk = mac.doFinal(key.secretBytes());
      mac.init(new SecretKeySpec(prk, "HMAC"));
      byte[] out = new byte[bytes];
      byte[] t = new byte[0];
      for (int i = 0, n = 1; i < bytes; n++) {
        mac.update(t);
        mac.update(info);
        mac.update((byte) n);
        t = mac.doFinal();
        int take = Math.min(t.length, bytes - i);
        System.arraycopy(t, 0, out, i, take);
        i += take;
      }
      return out;
    } catch (GeneralSecurityException e) {
      throw CryptoError.operation("HKDF failed: " + e.getClass().getSimpleName());
    }
  }

  static byte[] pbkdf2(Params alg, CryptoKeyObject key, @Nullable Long length) {
    String hash = alg.hash();
    byte[] salt = alg.bytes("salt");
    long iterations = alg.integer("iterations", 0xffffffffL);
    int bytes = byteLength("PBKDF2", length);
    if (iterations == 0) {
      throw CryptoError.operation("PBKDF2 iterations must not be 0");
    }
    if (iterations > MAX_PBKDF2_ITERATIONS) {
      throw CryptoError.notSupported("PBKDF2 iteration counts above " + MAX_PBKDF2_ITERATIONS
          + " are not supported (requested " + iterations + ")");
    }
    try {
      Mac mac = Mac.getInstance("Hmac" + Hashes.jca(hash));
      // An empty password is a valid PBKDF2 input, but not a valid SecretKeySpec.
      byte[] password = key.secretBytes();
      mac.init(password.length == 0 ? new EmptyKey() : new SecretKeySpec(password, "HMAC"));
      byte[] out = new byte[bytes];
      for (int i = 0, block = 1; i < bytes; block++) {
        mac.update(salt);
        mac.update(new byte[] {(byte) (block >>> 24), (byte) (block >>> 16), (byte) (block >>> 8), (byte) block});
        byte[] u = mac.doFinal();
        byte[] t = u.clone();
        for (long j = 1; j < iterations; j++) {
          u = mac.doFinal(u);
          for (int k = 0; k < t.length; k++) {
            t[k] ^= u[k];
          }
        }
        int take = Math.min(t.length, bytes - i);
        System.arraycopy(t, 0, out, i, take);
        i += take;
      }
      return out;
    } catch (GeneralSecurityException e) {
      throw CryptoError.operation("PBKDF2 failed: " + e.getClass().getSimpleName());
    }
  }

  private static int byteLength(String name, @Nullable Long length) {
    if (length == null) {
      throw CryptoError.operation(name + " needs a length");
    }
    if (length % 8 != 0) {
      throw CryptoError.operation(name + " length " + length + " is not a multiple of 8");
    }
    if (length > (1L << 24)) {
      throw CryptoError.operation(name + " length " + length + " is too large");
    }
    return (int) (length / 8);
  }

  /** A zero-length HMAC key (SecretKeySpec refuses an empty array). */
  private static final class EmptyKey implements javax.crypto.SecretKey {
    @Override public String getAlgorithm() {
      return "HMAC";
    }

    @Override public String getFormat() {
      return "RAW";
    }

    @Override public byte[] getEncoded() {
      return new byte[0];
    }
  }

  static byte[] truncate(byte[] bits, @Nullable Long length) {
    if (length == null) {
      return bits;
    }
    if (length > bits.length * 8L) {
      throw CryptoError.operation("length " + length + " is more than the " + bits.length * 8 + " bits available");
    }
    byte[] out = Arrays.copyOf(bits, (int) ((length + 7) / 8));
    if (length % 8 != 0) {
      out[out.length - 1] &= (byte) (0xff << (8 - length % 8));
    }
    return out;
  }
}
