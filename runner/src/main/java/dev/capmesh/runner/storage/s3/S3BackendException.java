package dev.capmesh.runner.storage.s3;

import org.jspecify.annotations.Nullable;

/**
 * An S3 call failed. The message names the bucket, its endpoint and the cause (the S3 error code
 * such as {@code AccessDenied} or {@code NoSuchBucket}, a timeout, a refused connection, a
 * missing credential) and never carries a credential. It has no cause: the SDK's exceptions
 * stay inside the backend, so nothing they print can leak.
 */
public final class S3BackendException extends RuntimeException {
  private final @Nullable String code;

  S3BackendException(String message, @Nullable String code) {
    super(message, null, false, false);
    this.code = code;
  }

  /** S3's error code ({@code AccessDenied}, {@code NoSuchBucket}, ...), or null when S3 did not answer. */
  public @Nullable String code() {
    return code;
  }
}
