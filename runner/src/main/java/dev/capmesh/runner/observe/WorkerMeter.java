package dev.capmesh.runner.observe;

/**
 * What a worker tells the metrics: the CPU time its contexts use and the limits it hits. One per
 * worker service name; called on the worker's own threads, so an implementation returns at once
 * and never throws. Thread-safe.
 */
public interface WorkerMeter {
  /** A meter that ignores everything. */
  WorkerMeter NONE = new WorkerMeter() {
    @Override public void cpuUsed(long nanos) {}

    @Override public void limitHit(WorkerLimit limit) {}
  };

  /** Tasks of one of the worker's contexts used {@code nanos} of thread CPU time together. */
  void cpuUsed(long nanos);

  /** The runner enforced {@code limit} on the worker once. */
  void limitHit(WorkerLimit limit);
}
