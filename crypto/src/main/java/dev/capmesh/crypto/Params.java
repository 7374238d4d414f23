package dev.capmesh.crypto;

import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * An algorithm dictionary as the caller gave it: member name to a String, a Number, a Boolean,
 * a byte[] (a BufferSource, already copied), a {@link CryptoKeyObject}, or a nested Map (a
 * {@code hash} given as {@code {name}}). Readers check types and throw the WebCrypto error for
 * a missing or mistyped member.
 */
public final class Params {
  private final Map<String, Object> members;
  private final String what;

  private Params(Map<String, Object> members, String what) {
    this.members = members;
    this.what = what;
  }

  /** Wraps {@code members} (not copied: the caller hands it over). */
  public static Params of(Map<String, Object> members) {
    return new Params(members, "algorithm");
  }

  /** Just a name. */
  public static Params named(String name) {
    return new Params(Map.of("name", name), "algorithm");
  }

  /** The {@code name} member as given; TypeError when missing. */
  String name() {
    Object v = members.get("name");
    if (!(v instanceof String s)) {
      throw CryptoError.type(what + ": the member \"name\" is missing (expected: a string)");
    }
    return s;
  }

  boolean has(String member) {
    return members.get(member) != null;
  }

  byte[] bytes(String member) {
    Object v = members.get(member);
    if (v == null) {
      throw CryptoError.type(what + ": the member \"" + member + "\" is missing (expected: a BufferSource)");
    }
    if (!(v instanceof byte[] b)) {
      throw CryptoError.type(what + ": \"" + member + "\" is not a BufferSource");
    }
    return b;
  }

  byte @Nullable [] optBytes(String member) {
    return has(member) ? bytes(member) : null;
  }

  /** An integer member in [0, max] (WebIDL [EnforceRange]); TypeError when missing or not. */
  long integer(String member, long max) {
    Object v = members.get(member);
    if (v == null) {
      throw CryptoError.type(what + ": the member \"" + member + "\" is missing (expected: an integer)");
    }
    if (!(v instanceof Number n)) {
      throw CryptoError.type(what + ": \"" + member + "\" is not a number");
    }
    double d = n.doubleValue();
    if (Double.isNaN(d) || Double.isInfinite(d) || d < 0 || Math.floor(d) != d || d > max) {
      throw CryptoError.type(what + ": \"" + member + "\" is " + n + " (expected: an integer from 0 to " + max + ")");
    }
    return (long) d;
  }

  @Nullable Long optInteger(String member, long max) {
    return has(member) ? integer(member, max) : null;
  }

  String string(String member) {
    Object v = members.get(member);
    if (v == null) {
      throw CryptoError.type(what + ": the member \"" + member + "\" is missing (expected: a string)");
    }
    if (!(v instanceof String s)) {
      throw CryptoError.type(what + ": \"" + member + "\" is not a string");
    }
    return s;
  }

  /** The normalized {@code hash} member: SHA-1, SHA-256, SHA-384 or SHA-512. */
  String hash() {
    Object v = members.get("hash");
    if (v == null) {
      throw CryptoError.type(what + ": the member \"hash\" is missing");
    }
    String name;
    if (v instanceof String s) {
      name = s;
    } else if (v instanceof Map<?, ?> m && m.get("name") instanceof String s) {
      name = s;
    } else {
      throw CryptoError.type(what + ": \"hash\" is neither a string nor an object with a name");
    }
    return Hashes.normalize(name);
  }

  CryptoKeyObject key(String member) {
    Object v = members.get(member);
    if (v == null) {
      throw CryptoError.type(what + ": the member \"" + member + "\" is missing (expected: a CryptoKey)");
    }
    if (!(v instanceof CryptoKeyObject k)) {
      throw CryptoError.type(what + ": \"" + member + "\" is not a CryptoKey");
    }
    return k;
  }

  static String upper(String s) {
    return s.toUpperCase(Locale.ROOT);
  }
}
