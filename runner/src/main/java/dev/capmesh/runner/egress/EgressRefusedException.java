package dev.capmesh.runner.egress;

import static java.util.Objects.requireNonNull;

/**
 * A network service refused to connect: the message names the service, the target and the rule,
 * e.g. {@code network "internet" refused 10.0.0.1: matches deny "private"}. A worker's
 * {@code fetch()} rejects with this message; no connection was attempted.
 */
public final class EgressRefusedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception with its full message. */
  public EgressRefusedException(String message) {
    super(requireNonNull(message, "message"));
  }
}
