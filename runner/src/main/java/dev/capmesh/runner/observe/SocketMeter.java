package dev.capmesh.runner.observe;

/**
 * What a socket's HTTP server tells the metrics about each exchange. One per socket name, for
 * the life of the runner (the server keeps it across plans). Called on the server's event loops:
 * an implementation returns at once and never throws. Thread-safe.
 */
public interface SocketMeter {
  /** A meter that ignores everything. */
  SocketMeter NONE = new SocketMeter() {
    @Override public void started() {}

    @Override public void ended(int status, long nanosToResponse) {}

    @Override public void limitHit(SocketLimit limit) {}
  };

  /** A request's head arrived: it is in flight from now on. */
  void started();

  /**
   * The request is over: its response was written, failed or abandoned.
   *
   * @param status the status sent, or 0 if no response was sent (the client went away first)
   * @param nanosToResponse time from the request's head to its response head (0 without one)
   */
  void ended(int status, long nanosToResponse);

  /** The server enforced {@code limit} on a client once. */
  void limitHit(SocketLimit limit);
}
