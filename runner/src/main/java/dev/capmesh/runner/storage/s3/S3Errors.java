package dev.capmesh.runner.storage.s3;

import java.net.ConnectException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;

/** Turns what the SDK throws into {@link S3BackendException}s that name the bucket and the cause. */
final class S3Errors {
  private final String describe;
  private final Duration timeout;
  private final RotatingCredentials credentials;

  S3Errors(String describe, Duration timeout, RotatingCredentials credentials) {
    this.describe = describe;
    this.timeout = timeout;
    this.credentials = credentials;
  }

  static Throwable unwrap(Throwable t) {
    Throwable e = t;
    while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
      e = e.getCause();
    }
    return e;
  }

  /** The S3 error code of a service error, or null. */
  static @Nullable String code(Throwable t) {
    return unwrap(t) instanceof AwsServiceException s && s.awsErrorDetails() != null
        ? s.awsErrorDetails().errorCode() : null;
  }

  /** The HTTP status of a service error, or 0. */
  static int status(Throwable t) {
    return unwrap(t) instanceof AwsServiceException s ? s.statusCode() : 0;
  }

  S3BackendException failed(String op, String detail) {
    return new S3BackendException(credentials.scrub(describe + ": " + op + " failed: " + detail), null);
  }

  /** The error a worker sees for a failed {@code op} (get, put, ...). */
  S3BackendException translate(String op, Throwable thrown) {
    Throwable t = unwrap(thrown);
    if (t instanceof S3BackendException e) {
      return e;
    }
    String code = null;
    String cause;
    if (t instanceof AwsServiceException s) {
      code = s.awsErrorDetails() == null ? null : s.awsErrorDetails().errorCode();
      String message = s.awsErrorDetails() == null ? null : s.awsErrorDetails().errorMessage();
      if (code == null || code.isEmpty()) {
        code = switch (s.statusCode()) {
          case 403 -> "AccessDenied";
          case 404 -> "NoSuchBucket";
          default -> null;
        };
      }
      cause = (code == null ? "HTTP " + s.statusCode() : code + " (HTTP " + s.statusCode() + ")")
          + (message == null || message.isEmpty() ? "" : ": " + message);
    } else {
      cause = clientCause(t);
    }
    return new S3BackendException(credentials.scrub(describe + ": " + op + " failed: " + cause), code);
  }

  /** Why a request got no answer: a timeout, a refused or broken connection, a missing credential. */
  private String clientCause(Throwable t) {
    for (Throwable e = t; e != null; e = e.getCause() == e ? null : e.getCause()) {
      if (e instanceof RotatingCredentials.CredentialsUnavailable c) {
        return c.getMessage();
      }
      if (e instanceof ApiCallTimeoutException || e instanceof ApiCallAttemptTimeoutException
          || e instanceof TimeoutException || e.getClass().getSimpleName().contains("Timeout")) {
        return "no answer within " + timeout.toMillis() + " ms (timeout)";
      }
      if (e instanceof ConnectException) {
        return "connection refused";
      }
      if (e instanceof ClosedChannelException) {
        return "the connection was closed";
      }
    }
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = root.getMessage();
    if (message == null || message.isEmpty()) {
      message = root.getClass().getSimpleName();
    }
    return message;
  }
}
