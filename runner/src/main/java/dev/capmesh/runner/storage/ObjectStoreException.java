package dev.capmesh.runner.storage;

/**
 * A backend failure whose message is fit for workers to read: it names what failed and why, and
 * holds no credential, secret or local file path. Backends throw it (or complete a stage with
 * it) for every failure they can describe; the bucket shows its message as is.
 */
public class ObjectStoreException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final boolean denied;

  public ObjectStoreException(String message) {
    this(message, false);
  }

  /**
   * @param denied the store refuses the operation by its own policy (a read-only store's put),
   *     as opposed to failing at it
   */
  public ObjectStoreException(String message, boolean denied) {
    super(message, null, false, false);
    this.denied = denied;
  }

  /** Whether the store refused the operation by its own policy (audit: DENIED, not ERROR). */
  public boolean denied() {
    return denied;
  }
}
