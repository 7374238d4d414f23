package dev.capmesh.crypto;

import static java.util.Objects.requireNonNull;

import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A key's {@code algorithm} as WebCrypto reports it: a name and the members its family has
 * (AES: length; HMAC: hash, length; EC and OKP: namedCurve; RSA: modulusLength, publicExponent,
 * hash). Unused members are null.
 */
record KeyAlgorithm(String name, @Nullable String hash, @Nullable Integer length,
    @Nullable String namedCurve, @Nullable Integer modulusLength, byte @Nullable [] publicExponent) {
  KeyAlgorithm {
    requireNonNull(name, "name");
    publicExponent = publicExponent == null ? null : publicExponent.clone();
  }

  static KeyAlgorithm named(String name) {
    return new KeyAlgorithm(name, null, null, null, null, null);
  }

  static KeyAlgorithm aes(String name, int length) {
    return new KeyAlgorithm(name, null, length, null, null, null);
  }

  static KeyAlgorithm hmac(String hash, int length) {
    return new KeyAlgorithm("HMAC", hash, length, null, null, null);
  }

  static KeyAlgorithm ec(String name, String curve) {
    return new KeyAlgorithm(name, null, null, curve, null, null);
  }

  static KeyAlgorithm rsa(String name, String hash, int modulusLength, byte[] publicExponent) {
    return new KeyAlgorithm(name, hash, null, null, modulusLength, publicExponent);
  }

  /** The members in WebCrypto's order; publicExponent as a list of byte values. */
  Map<String, Object> toMap() {
    var m = new LinkedHashMap<String, Object>();
    m.put("name", name);
    if (modulusLength != null) {
      m.put("modulusLength", modulusLength);
      var e = new java.util.ArrayList<Integer>();
      for (byte b : publicExponent) {
        e.add(b & 0xff);
      }
      m.put("publicExponent", e);
    }
    if (hash != null) {
      m.put("hash", Map.of("name", hash));
    }
    if (length != null) {
      m.put("length", length);
    }
    if (namedCurve != null) {
      m.put("namedCurve", namedCurve);
    }
    return m;
  }
}
