package dev.capmesh.schema.model;

/** WebCrypto key usages, as in workerd's {@code CryptoKey.Usage}. */
public enum KeyUsage {
  ENCRYPT("encrypt"),
  DECRYPT("decrypt"),
  SIGN("sign"),
  VERIFY("verify"),
  DERIVE_KEY("deriveKey"),
  DERIVE_BITS("deriveBits"),
  WRAP_KEY("wrapKey"),
  UNWRAP_KEY("unwrapKey");

  private final String webName;

  KeyUsage(String webName) {
    this.webName = webName;
  }

  /** The WebCrypto (and schema) name. */
  public String webName() {
    return webName;
  }

  /** The usage called {@code name}, or null. */
  public static @org.jspecify.annotations.Nullable KeyUsage byWebName(String name) {
    for (KeyUsage u : values()) {
      if (u.webName.equals(name)) {
        return u;
      }
    }
    return null;
  }
}
