package dev.capmesh.crypto;

/**
 * A failed WebCrypto operation: {@link #name} is the DOMException name the spec gives for it
 * ({@code NotSupportedError}, {@code InvalidAccessError}, {@code DataError},
 * {@code OperationError}, {@code SyntaxError}) or {@code TypeError}. Messages never contain key
 * material; they carry no stack (they are expected outcomes, not bugs).
 */
public final class CryptoError extends RuntimeException {
  private final String name;

  /** An error named {@code name} (a DOMException name or TypeError). */
  public CryptoError(String name, String message) {
    super(message, null, false, false);
    this.name = name;
  }

  /** The DOMException name (or {@code TypeError}) the worker sees. */
  public String name() {
    return name;
  }

  static CryptoError notSupported(String message) {
    return new CryptoError("NotSupportedError", message);
  }

  static CryptoError invalidAccess(String message) {
    return new CryptoError("InvalidAccessError", message);
  }

  static CryptoError data(String message) {
    return new CryptoError("DataError", message);
  }

  static CryptoError operation(String message) {
    return new CryptoError("OperationError", message);
  }

  static CryptoError syntax(String message) {
    return new CryptoError("SyntaxError", message);
  }

  static CryptoError type(String message) {
    return new CryptoError("TypeError", message);
  }
}
