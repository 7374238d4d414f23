package dev.capmesh.runner.service;

/** A body grew past the size limit of whoever was reading it. */
public final class BodyTooLargeException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final long limit;

  /** Creates the exception for a limit of {@code limit} bytes. */
  public BodyTooLargeException(long limit) {
    super("body is larger than the limit of " + limit + " bytes");
    this.limit = limit;
  }

  /** The limit that was exceeded, in bytes. */
  public long limit() {
    return limit;
  }
}
