package dev.capmesh.runner.observe;

/** A limit a socket enforced on a client: what {@link SocketMeter#limitHit} counts. */
public enum SocketLimit {
  /** A request body over the socket's size limit (413). */
  BODY_TOO_LARGE("body_too_large"),
  /** A header block over the size limit (431). */
  HEADER_TOO_LARGE("header_too_large"),
  /** A request line over the length limit (414). */
  REQUEST_LINE_TOO_LONG("request_line_too_long"),
  /** A header block that did not arrive in time; the connection was closed. */
  HEADER_TIMEOUT("header_timeout"),
  /** Request body bytes that did not arrive in time (408). */
  BODY_TIMEOUT("body_timeout"),
  /** A connection over the total or per-address cap (503, closed). */
  CONNECTIONS("connections");

  private final String label;

  SocketLimit(String label) {
    this.label = label;
  }

  /** The value of the {@code limit} label. */
  public String label() {
    return label;
  }
}
