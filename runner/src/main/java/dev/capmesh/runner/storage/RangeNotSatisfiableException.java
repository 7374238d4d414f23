package dev.capmesh.runner.storage;

/**
 * A get's range starts at or after the end of the object (HTTP 416). Backends complete a get's
 * stage with it; the object's size lets an HTTP answer say {@code Content-Range: bytes *}{@code /SIZE}.
 */
public final class RangeNotSatisfiableException extends ObjectStoreException {
  private static final long serialVersionUID = 1L;
  private final long size;

  public RangeNotSatisfiableException(long size) {
    super("the requested range is not satisfiable: the object is " + size + " bytes");
    this.size = size;
  }

  /** The size of the object the range was asked of. */
  public long size() {
    return size;
  }
}
