package dev.capmesh.runner.observe;

/**
 * What a runner tells its metrics besides binding uses: the meters of its workers and sockets,
 * and every plan it applies or refuses. Every method has a no-op default. The runner calls
 * {@link #worker} and {@link #socket} while it builds a plan and {@link #planApplied} or
 * {@link #planRefused} once it is done, one plan at a time. Thread-safe.
 */
public interface RunnerObserver {
  /** An observer that ignores everything. */
  RunnerObserver NONE = new RunnerObserver() {};

  /** The meter of the worker service {@code name}; the same name may be asked for again. */
  default WorkerMeter worker(String name) {
    return WorkerMeter.NONE;
  }

  /** The meter of socket {@code name}; the same name may be asked for again. */
  default SocketMeter socket(String name) {
    return SocketMeter.NONE;
  }

  /** {@code plan} serves now. Meters of names it no longer has may be dropped. */
  default void planApplied(PlanSummary plan) {}

  /** A plan was refused; the one served before keeps serving. */
  default void planRefused() {}
}
