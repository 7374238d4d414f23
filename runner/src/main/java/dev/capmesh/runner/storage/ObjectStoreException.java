package dev.capmesh.runner.storage;

/**
 * A backend failure whose message is fit for workers to read: it names what failed and why, and
 * holds no credential, secret or local file path. Backends throw it (or complete a stage with
 * it) for every failure they can describe; the bucket shows its message as is.
 */
public class ObjectStoreException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ObjectStoreException(String message) {
    super(message, null, false, false);
  }
}
