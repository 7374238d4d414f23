package dev.capmesh.crypto;

import static java.util.Objects.requireNonNull;

import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import org.jspecify.annotations.Nullable;

/**
 * The Java side of one WebCrypto {@code CryptoKey}: its type, algorithm, usages, whether it may
 * be exported, and the key material. Immutable (but for a cache of an HMAC key's keyed Mac), so
 * one object may back keys in several contexts (a config binding). The material has no accessor:
 * only {@link Subtle}'s operations use it, and only {@code exportKey}/{@code wrapKey} of an
 * extractable key hand it out. Thread-safe.
 */
public final class CryptoKeyObject {
  final String type;
  final boolean extractable;
  final KeyAlgorithm algorithm;
  final List<String> usages;
  /** The bytes of a secret key; null for public and private keys. */
  final byte @Nullable [] secret;
  final @Nullable PublicKey publicKey;
  final @Nullable PrivateKey privateKey;
  /** An HMAC key's Mac, keyed and never fed data: {@link Hmac} clones it for each operation. */
  volatile @Nullable Mac hmacPrototype;

  private CryptoKeyObject(String type, boolean extractable, KeyAlgorithm algorithm, List<String> usages,
      byte @Nullable [] secret, @Nullable PublicKey publicKey, @Nullable PrivateKey privateKey) {
    this.type = type;
    this.extractable = extractable;
    this.algorithm = requireNonNull(algorithm, "algorithm");
    this.usages = List.copyOf(usages);
    this.secret = secret;
    this.publicKey = publicKey;
    this.privateKey = privateKey;
  }

  static CryptoKeyObject secret(KeyAlgorithm algorithm, byte[] bytes, boolean extractable, List<String> usages) {
    return new CryptoKeyObject("secret", extractable, algorithm, usages, bytes.clone(), null, null);
  }

  static CryptoKeyObject ofPublic(KeyAlgorithm algorithm, PublicKey key, boolean extractable, List<String> usages) {
    return new CryptoKeyObject("public", extractable, algorithm, usages, null, key, null);
  }

  static CryptoKeyObject ofPrivate(KeyAlgorithm algorithm, PrivateKey key, boolean extractable, List<String> usages) {
    return new CryptoKeyObject("private", extractable, algorithm, usages, null, null, key);
  }

  /** "secret", "public" or "private". */
  public String type() {
    return type;
  }

  /** Whether exportKey and wrapKey may hand out the material. */
  public boolean extractable() {
    return extractable;
  }

  /** The usages, in the order given, without repeats. */
  public List<String> usages() {
    return usages;
  }

  /** The algorithm's name, e.g. "HMAC". */
  public String algorithmName() {
    return algorithm.name();
  }

  /** The {@code algorithm} member as WebCrypto reports it (publicExponent as byte values). */
  public Map<String, Object> algorithm() {
    return algorithm.toMap();
  }

  /** {@link #algorithm} as JSON text. */
  public String algorithmJson() {
    return Jwk.write(algorithm.toMap());
  }

  byte[] secretBytes() {
    if (secret == null) {
      throw new IllegalStateException("not a secret key");
    }
    return secret;
  }

  @Override public String toString() {
    return "CryptoKey[type=" + type + ", algorithm=" + algorithm.name() + ", extractable=" + extractable
        + ", usages=" + usages + "]";
  }
}
