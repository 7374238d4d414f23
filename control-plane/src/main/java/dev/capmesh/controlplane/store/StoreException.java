package dev.capmesh.controlplane.store;

/** The store cannot be read or written: a damaged file, an unreachable Redis, a full disk. */
public final class StoreException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** An exception with a sentence saying what is wrong and where. */
  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }

  /** An exception with a sentence saying what is wrong and where. */
  public StoreException(String message) {
    super(message);
  }
}
