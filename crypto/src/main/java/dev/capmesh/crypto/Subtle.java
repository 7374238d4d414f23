package dev.capmesh.crypto;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * WebCrypto's {@code SubtleCrypto} on the JDK's providers: algorithm normalization, the key
 * checks every operation makes (algorithm, usages, extractable), and dispatch to the algorithm
 * families. Every failure is a {@link CryptoError} carrying the spec's error name. Operations
 * run on the caller's thread. Thread-safe.
 */
public final class Subtle {
  private static final List<String> KEY_ALGORITHMS = List.of("RSASSA-PKCS1-v1_5", "RSA-PSS", "RSA-OAEP", "ECDSA",
      "ECDH", "AES-CTR", "AES-CBC", "AES-GCM", "AES-KW", "HMAC", "HKDF", "PBKDF2", "Ed25519", "X25519");
  private static final Map<String, Set<String>> SUPPORTED = Map.of(
      "digest", Set.of("SHA-1", "SHA-256", "SHA-384", "SHA-512", "MD5"),
      "sign", Set.of("RSASSA-PKCS1-v1_5", "RSA-PSS", "ECDSA", "HMAC", "Ed25519"),
      "encrypt", Set.of("RSA-OAEP", "AES-CTR", "AES-CBC", "AES-GCM"),
      "importKey", Set.copyOf(KEY_ALGORITHMS),
      "generateKey", Set.of("RSASSA-PKCS1-v1_5", "RSA-PSS", "RSA-OAEP", "ECDSA", "ECDH", "AES-CTR", "AES-CBC",
          "AES-GCM", "AES-KW", "HMAC", "Ed25519", "X25519"),
      "deriveBits", Set.of("ECDH", "X25519", "HKDF", "PBKDF2"),
      "wrapKey", Set.of("AES-KW"),
      "get key length", Set.of("AES-CTR", "AES-CBC", "AES-GCM", "AES-KW", "HMAC", "HKDF", "PBKDF2"));
  /** The key formats; hex and base64 exist only for config bindings and become raw first. */
  public static final List<String> FORMATS = List.of("raw", "pkcs8", "spki", "jwk");

  private final SecureRandom random;

  /** A SubtleCrypto drawing key generation randomness from {@code random}. */
  public Subtle(SecureRandom random) {
    this.random = requireNonNull(random, "random");
  }

  /** The registered name {@code alg} denotes for {@code op} (case-insensitive); NotSupportedError if none. */
  static String normalize(String op, Params alg) {
    String given = alg.name();
    String canonical = canonicalName(given);
    if (canonical == null || !SUPPORTED.get(op.equals("verify") ? "sign" : op.equals("decrypt") ? "encrypt"
        : op.equals("unwrapKey") ? "wrapKey" : op).contains(canonical)) {
      throw CryptoError.notSupported("Unrecognized algorithm name: " + given + " (for " + op + ")");
    }
    return canonical;
  }

  static @Nullable String canonicalName(String given) {
    for (String n : KEY_ALGORITHMS) {
      if (n.equalsIgnoreCase(given)) {
        return n;
      }
    }
    for (String n : SUPPORTED.get("digest")) {
      if (n.equalsIgnoreCase(given)) {
        return n;
      }
    }
    return null;
  }

  /** Every usage a key of the algorithm {@code name} (canonical) can have, public and private together. */
  static Set<String> possibleUsages(String name) {
    return switch (name) {
      case "HMAC", "ECDSA", "Ed25519", "RSASSA-PKCS1-v1_5", "RSA-PSS" -> Set.of("sign", "verify");
      case "AES-KW" -> Set.of("wrapKey", "unwrapKey");
      case "HKDF", "PBKDF2", "ECDH", "X25519" -> Set.of("deriveKey", "deriveBits");
      default -> Set.of("encrypt", "decrypt", "wrapKey", "unwrapKey");
    };
  }

  private static void checkKey(CryptoKeyObject key, String name, String usage) {
    if (!key.algorithm.name().equals(name)) {
      throw CryptoError.invalidAccess("the key is an " + key.algorithm.name() + " key, not " + name);
    }
    if (!key.usages.contains(usage)) {
      throw CryptoError.invalidAccess("the key's usages " + key.usages + " do not include \"" + usage + "\"");
    }
  }

  /** digest(algorithm, data). */
  public byte[] digest(Params alg, byte[] data) {
    String name = normalize("digest", alg);
    return Hashes.digest(name).digest(data);
  }

  /** sign(algorithm, key, data). */
  public byte[] sign(Params alg, CryptoKeyObject key, byte[] data) {
    String name = normalize("sign", alg);
    checkKey(key, name, "sign");
    return switch (name) {
      case "HMAC" -> Hmac.sign(key, data);
      case "ECDSA" -> Ec.sign(alg, key, data);
      case "Ed25519" -> Okp.sign(key, data);
      default -> Rsa.sign(alg, key, data);
    };
  }

  /** verify(algorithm, key, signature, data). */
  public boolean verify(Params alg, CryptoKeyObject key, byte[] signature, byte[] data) {
    String name = normalize("verify", alg);
    checkKey(key, name, "verify");
    return switch (name) {
      case "HMAC" -> Hmac.verify(key, signature, data);
      case "ECDSA" -> Ec.verify(alg, key, signature, data);
      case "Ed25519" -> Okp.verify(key, signature, data);
      default -> Rsa.verify(alg, key, signature, data);
    };
  }

  /** encrypt(algorithm, key, data). */
  public byte[] encrypt(Params alg, CryptoKeyObject key, byte[] data) {
    String name = normalize("encrypt", alg);
    checkKey(key, name, "encrypt");
    return cipher(true, name, alg, key, data);
  }

  /** decrypt(algorithm, key, data). */
  public byte[] decrypt(Params alg, CryptoKeyObject key, byte[] data) {
    String name = normalize("decrypt", alg);
    checkKey(key, name, "decrypt");
    return cipher(false, name, alg, key, data);
  }

  private static byte[] cipher(boolean encrypt, String name, Params alg, CryptoKeyObject key, byte[] data) {
    return name.equals("RSA-OAEP") ? Rsa.oaep(encrypt, alg, key, data) : Aes.cipher(encrypt, alg, key, data);
  }

  /**
   * importKey(format, keyData, algorithm, extractable, usages): {@code keyData} is the bytes, or
   * for {@code jwk} the key's JSON text.
   */
  public CryptoKeyObject importKey(String format, Object keyData, Params alg, boolean extractable, List<String> usages) {
    String name = normalize("importKey", alg);
    List<String> u = Usages.normalize(usages);
    Object data;
    if (format.equals("jwk")) {
      if (!(keyData instanceof String json)) {
        throw CryptoError.type("a jwk key must be given as a JSON object");
      }
      data = Jwk.parse(json);
    } else if (FORMATS.contains(format)) {
      if (!(keyData instanceof byte[] bytes)) {
        throw CryptoError.type("a " + format + " key must be given as a BufferSource");
      }
      data = bytes.clone();
    } else {
      throw CryptoError.type("\"" + format + "\" is not a key format (expected: raw, pkcs8, spki or jwk)");
    }
    return switch (name) {
      case "HMAC" -> Hmac.importKey(format, data, alg, extractable, u);
      case "AES-CTR", "AES-CBC", "AES-GCM", "AES-KW" -> Aes.importKey(name, format, data, extractable, u);
      case "HKDF", "PBKDF2" -> Kdf.importKey(name, format, data, extractable, u);
      case "ECDSA", "ECDH" -> Ec.importKey(name, format, data, alg, extractable, u);
      case "Ed25519", "X25519" -> Okp.importKey(name, format, data, extractable, u);
      default -> Rsa.importKey(name, format, data, alg, extractable, u);
    };
  }

  /** exportKey(format, key): the bytes, or for {@code jwk} the key's JSON text. */
  public Object exportKey(String format, CryptoKeyObject key) {
    if (!FORMATS.contains(format)) {
      throw CryptoError.type("\"" + format + "\" is not a key format (expected: raw, pkcs8, spki or jwk)");
    }
    String name = key.algorithm.name();
    if (name.equals("HKDF") || name.equals("PBKDF2")) {
      throw CryptoError.notSupported(name + " keys cannot be exported");
    }
    if (!key.extractable) {
      throw CryptoError.invalidAccess("the key is not extractable");
    }
    Object out = switch (name) {
      case "HMAC" -> Hmac.export(format, key);
      case "AES-CTR", "AES-CBC", "AES-GCM", "AES-KW" -> Aes.export(format, key);
      case "ECDSA", "ECDH" -> Ec.export(format, key);
      case "Ed25519", "X25519" -> Okp.export(format, key);
      default -> Rsa.export(format, key);
    };
    if (out instanceof Map<?, ?> m) {
      @SuppressWarnings("unchecked")
      Map<String, Object> jwk = (Map<String, Object>) m;
      return Jwk.write(jwk);
    }
    return out;
  }

  /** generateKey(algorithm, extractable, usages): a {@link CryptoKeyObject} or a {@link KeyPairObjects}. */
  public Object generateKey(Params alg, boolean extractable, List<String> usages) {
    String name = normalize("generateKey", alg);
    List<String> u = Usages.normalize(usages);
    return switch (name) {
      case "HMAC" -> Hmac.generate(alg, extractable, u, random);
      case "AES-CTR", "AES-CBC", "AES-GCM", "AES-KW" -> Aes.generate(name, alg, extractable, u, random);
      case "ECDSA", "ECDH" -> Ec.generate(name, alg, extractable, u, random);
      case "Ed25519", "X25519" -> Okp.generate(name, extractable, u, random);
      default -> Rsa.generate(name, alg, extractable, u, random);
    };
  }

  /** deriveBits(algorithm, baseKey, length); {@code length} null: the whole secret (ECDH, X25519). */
  public byte[] deriveBits(Params alg, CryptoKeyObject key, @Nullable Long length) {
    String name = normalize("deriveBits", alg);
    checkKey(key, name, "deriveBits");
    return bits(name, alg, key, length);
  }

  private static byte[] bits(String name, Params alg, CryptoKeyObject key, @Nullable Long length) {
    return switch (name) {
      case "HKDF" -> Kdf.hkdf(alg, key, length);
      case "PBKDF2" -> Kdf.pbkdf2(alg, key, length);
      case "ECDH" -> Kdf.truncate(Ec.ecdh(alg, key), length);
      default -> Kdf.truncate(Okp.x25519(alg, key), length);
    };
  }

  /** deriveKey(algorithm, baseKey, derivedKeyType, extractable, usages). */
  public CryptoKeyObject deriveKey(Params alg, CryptoKeyObject key, Params derived, boolean extractable,
      List<String> usages) {
    String name = normalize("deriveBits", alg);
    normalize("importKey", derived);
    String derivedName = normalize("get key length", derived);
    Long length = switch (derivedName) {
      case "HMAC" -> (long) Hmac.keyLength(derived);
      case "HKDF", "PBKDF2" -> null;
      default -> (long) Aes.keyLength(derived);
    };
    checkKey(key, name, "deriveKey");
    byte[] secret = bits(name, alg, key, length);
    return importKey("raw", secret, derived, extractable, usages);
  }

  private static String wrapName(String op, Params alg) {
    try {
      return normalize(op, alg);
    } catch (CryptoError e) {
      return normalize(op.equals("wrapKey") ? "encrypt" : "decrypt", alg);
    }
  }

  /** wrapKey(format, key, wrappingKey, wrapAlgorithm). */
  public byte[] wrapKey(String format, CryptoKeyObject key, CryptoKeyObject wrappingKey, Params wrapAlg) {
    String name = wrapName("wrapKey", wrapAlg);
    checkKey(wrappingKey, name, "wrapKey");
    Object exported = exportKey(format, key);
    byte[] bytes = exported instanceof String json ? json.getBytes(StandardCharsets.UTF_8) : (byte[]) exported;
    return name.equals("AES-KW") ? Aes.kw(true, wrappingKey, bytes) : cipher(true, name, wrapAlg, wrappingKey, bytes);
  }

  /** unwrapKey(format, wrappedKey, unwrappingKey, unwrapAlgorithm, unwrappedKeyAlgorithm, extractable, usages). */
  public CryptoKeyObject unwrapKey(String format, byte[] wrapped, CryptoKeyObject unwrappingKey, Params unwrapAlg,
      Params keyAlg, boolean extractable, List<String> usages) {
    String name = wrapName("unwrapKey", unwrapAlg);
    normalize("importKey", keyAlg);
    checkKey(unwrappingKey, name, "unwrapKey");
    byte[] bytes = name.equals("AES-KW") ? Aes.kw(false, unwrappingKey, wrapped)
        : cipher(false, name, unwrapAlg, unwrappingKey, wrapped);
    Object data = bytes;
    if (format.equals("jwk")) {
      data = new String(bytes, StandardCharsets.UTF_8);
    }
    return importKey(format, data, keyAlg, extractable, usages);
  }
}
