package dev.capmesh.crypto;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** JSON Web Key members: reading (with WebCrypto's DataError checks) and writing. */
final class Jwk {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Map<String, Object> members;

  private Jwk(Map<String, Object> members) {
    this.members = members;
  }

  /** Parses JSON text; DataError when it is not a JSON object. */
  @SuppressWarnings("unchecked")
  static Jwk parse(String json) {
    try {
      Object v = JSON.readValue(json, Object.class);
      if (!(v instanceof Map<?, ?> m)) {
        throw CryptoError.data("the JWK is not a JSON object");
      }
      return new Jwk((Map<String, Object>) m);
    } catch (JsonProcessingException e) {
      throw CryptoError.data("the JWK is not valid JSON (at line " + e.getLocation().getLineNr()
          + ", column " + e.getLocation().getColumnNr() + ")");
    }
  }

  static String write(Map<String, Object> members) {
    try {
      return JSON.writeValueAsString(members);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Parses JSON text into plain maps, lists, strings, numbers and booleans. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> parseObject(String json, String what) {
    try {
      Object v = JSON.readValue(json, Object.class);
      if (!(v instanceof Map<?, ?> m)) {
        throw CryptoError.type(what + " is not a JSON object");
      }
      return (Map<String, Object>) m;
    } catch (JsonProcessingException e) {
      throw CryptoError.type(what + " is not valid JSON: " + e.getOriginalMessage());
    }
  }

  @Nullable String optString(String member) {
    Object v = members.get(member);
    if (v == null) {
      return null;
    }
    if (!(v instanceof String s)) {
      throw CryptoError.data("JWK member \"" + member + "\" is not a string");
    }
    return s;
  }

  String string(String member) {
    String s = optString(member);
    if (s == null) {
      throw CryptoError.data("JWK member \"" + member + "\" is missing");
    }
    return s;
  }

  boolean has(String member) {
    return members.get(member) != null;
  }

  /** A base64url member decoded; DataError when missing or not base64url. */
  byte[] bytes(String member) {
    String s = string(member);
    try {
      return Base64.getUrlDecoder().decode(s.replace("=", ""));
    } catch (IllegalArgumentException e) {
      throw CryptoError.data("JWK member \"" + member + "\" is not base64url");
    }
  }

  BigInteger unsigned(String member) {
    return new BigInteger(1, bytes(member));
  }

  /**
   * The checks every JWK import makes: kty, use, key_ops, ext; and alg when {@code alg} is not
   * null (an absent alg is accepted).
   */
  void check(String kty, @Nullable String alg, @Nullable String use, boolean extractable, List<String> usages) {
    if (!kty.equals(optString("kty"))) {
      throw CryptoError.data("JWK \"kty\" is " + quoted(members.get("kty")) + " (expected: \"" + kty + "\")");
    }
    String givenAlg = optString("alg");
    if (alg != null && givenAlg != null && !givenAlg.equals(alg)) {
      throw CryptoError.data("JWK \"alg\" is \"" + givenAlg + "\" (expected: \"" + alg + "\")");
    }
    String givenUse = optString("use");
    if (givenUse != null && !usages.isEmpty() && (use == null || !givenUse.equals(use))) {
      throw CryptoError.data("JWK \"use\" is \"" + givenUse + "\"" + (use == null ? "" : " (expected: \"" + use + "\")"));
    }
    Object ops = members.get("key_ops");
    if (ops != null) {
      if (!(ops instanceof List<?> list) || !list.stream().allMatch(o -> o instanceof String)) {
        throw CryptoError.data("JWK \"key_ops\" is not a list of strings");
      }
      for (String u : usages) {
        if (!list.contains(u)) {
          throw CryptoError.data("JWK \"key_ops\" does not allow the usage \"" + u + "\"");
        }
      }
    }
    Object ext = members.get("ext");
    if (ext != null && !(ext instanceof Boolean)) {
      throw CryptoError.data("JWK \"ext\" is not a boolean");
    }
    if (Boolean.FALSE.equals(ext) && extractable) {
      throw CryptoError.data("JWK \"ext\" is false but the key is to be extractable");
    }
  }

  private static String quoted(@Nullable Object v) {
    return v == null ? "missing" : "\"" + v + "\"";
  }

  static String b64u(byte[] bytes) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** A positive integer as unsigned big-endian bytes without a leading zero, base64url. */
  static String b64u(BigInteger n) {
    return b64u(unsignedBytes(n, 0));
  }

  /** {@code n} as unsigned big-endian bytes, left-padded to {@code size} (0: minimal). */
  static byte[] unsignedBytes(BigInteger n, int size) {
    byte[] b = n.toByteArray();
    int start = 0;
    while (start < b.length - 1 && b[start] == 0) {
      start++;
    }
    int len = b.length - start;
    byte[] out = new byte[Math.max(size, len)];
    System.arraycopy(b, start, out, out.length - len, len);
    return out;
  }

  /** A new JWK with kty first and the common members (key_ops, ext) last, for export. */
  static Map<String, Object> start(String kty) {
    var m = new LinkedHashMap<String, Object>();
    m.put("kty", kty);
    return m;
  }

  static Map<String, Object> finish(Map<String, Object> jwk, CryptoKeyObject key) {
    jwk.put("key_ops", new ArrayList<>(key.usages));
    jwk.put("ext", key.extractable);
    return jwk;
  }
}
