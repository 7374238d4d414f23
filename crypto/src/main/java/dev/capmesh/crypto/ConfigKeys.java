package dev.capmesh.crypto;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Keys declared in a config ({@code cryptoKey} bindings): the key data in one of the schema's
 * formats ({@code raw} bytes; {@code hex}, {@code base64}; {@code pkcs8} and {@code spki} as PEM
 * or bare base64 DER; {@code jwk} as JSON text), imported with WebCrypto's rules. Error
 * messages name what is wrong, never the key data. Thread-safe (stateless).
 */
public final class ConfigKeys {
  /** The formats a config may use. */
  public static final List<String> FORMATS = List.of("raw", "hex", "base64", "pkcs8", "spki", "jwk");

  private ConfigKeys() {}

  /**
   * The key, or an IllegalArgumentException whose message says why it cannot be made.
   *
   * @param format one of {@link #FORMATS}
   * @param keyData the bytes for {@code raw}, else the UTF-8 text of the key
   * @param algorithm an algorithm name, or its JSON object when {@code algorithmIsJson}
   */
  public static CryptoKeyObject create(String format, byte[] keyData, String algorithm, boolean algorithmIsJson,
      boolean extractable, List<String> usages) {
    String problem = null;
    try {
      return importKey(format, keyData, algorithm, algorithmIsJson, extractable, usages);
    } catch (CryptoError e) {
      problem = e.getMessage();
    }
    throw new IllegalArgumentException(problem);
  }

  /** Why {@link #create} would refuse these inputs, or null when it would make the key. */
  public static @Nullable String validate(String format, byte[] keyData, String algorithm, boolean algorithmIsJson,
      boolean extractable, List<String> usages) {
    try {
      importKey(format, keyData, algorithm, algorithmIsJson, extractable, usages);
      return null;
    } catch (CryptoError e) {
      return e.getMessage();
    }
  }

  private static CryptoKeyObject importKey(String format, byte[] keyData, String algorithm, boolean algorithmIsJson,
      boolean extractable, List<String> usages) {
    requireNonNull(format, "format");
    requireNonNull(keyData, "keyData");
    requireNonNull(algorithm, "algorithm");
    requireNonNull(usages, "usages");
    Params alg = algorithmIsJson ? Params.of(Jwk.parseObject(algorithm, "the algorithm")) : Params.named(algorithm);
    String what = "crypto key (" + format + ", " + (algorithmIsJson ? describe(alg) : algorithm) + "): ";
    try {
      // Usages first: a usage the algorithm can never have is the clearer message.
      String name = Subtle.normalize("importKey", alg);
      Usages.require(Usages.normalize(usages), Subtle.possibleUsages(name), "an " + name + " key");
      String text = new String(keyData, StandardCharsets.UTF_8);
      String importFormat;
      Object data;
      switch (format) {
        case "raw" -> {
          importFormat = "raw";
          data = keyData;
        }
        case "hex" -> {
          importFormat = "raw";
          data = hex(text);
        }
        case "base64" -> {
          importFormat = "raw";
          data = base64(text, "base64");
        }
        case "pkcs8" -> {
          importFormat = "pkcs8";
          data = pem(text, "PRIVATE KEY");
        }
        case "spki" -> {
          importFormat = "spki";
          data = pem(text, "PUBLIC KEY");
        }
        case "jwk" -> {
          importFormat = "jwk";
          data = text;
        }
        default -> throw CryptoError.type("\"" + format + "\" is not a key format (expected one of "
            + String.join(", ", FORMATS) + ")");
      }
      return new Subtle(new java.security.SecureRandom()).importKey(importFormat, data, alg, extractable, usages);
    } catch (CryptoError e) {
      throw new CryptoError(e.name(), what + e.getMessage());
    }
  }

  private static String describe(Params alg) {
    try {
      return alg.name();
    } catch (CryptoError e) {
      return "no name";
    }
  }

  private static byte[] hex(String text) {
    String s = text.strip();
    if (s.length() % 2 != 0) {
      throw CryptoError.data("the hex key data has an odd number of digits");
    }
    try {
      return HexFormat.of().parseHex(s);
    } catch (IllegalArgumentException e) {
      throw CryptoError.data("the hex key data has a character that is not a hex digit");
    }
  }

  private static byte[] base64(String text, String what) {
    String s = text.replaceAll("\\s", "");
    try {
      return s.indexOf('-') >= 0 || s.indexOf('_') >= 0 ? Base64.getUrlDecoder().decode(s) : Base64.getDecoder().decode(s);
    } catch (IllegalArgumentException e) {
      throw CryptoError.data("the " + what + " key data is not valid base64");
    }
  }

  /** PEM ("-----BEGIN label-----" ... "-----END label-----") or bare base64 to DER. */
  private static byte[] pem(String text, String label) {
    String s = text.strip();
    if (s.startsWith("-----BEGIN")) {
      String begin = "-----BEGIN " + label + "-----";
      String end = "-----END " + label + "-----";
      int b = s.indexOf(begin);
      int e = s.indexOf(end);
      if (b != 0 || e < 0) {
        throw CryptoError.data("the PEM key data is not a \"" + label + "\" block (expected: " + begin + " ... " + end + ")");
      }
      s = s.substring(begin.length(), e);
    }
    byte[] der = base64(s, "PEM");
    if (der.length == 0) {
      throw CryptoError.data("the PEM key data is empty");
    }
    return der;
  }
}
