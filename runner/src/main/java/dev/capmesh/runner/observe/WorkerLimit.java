package dev.capmesh.runner.observe;

/** A limit the runner enforced on a worker: what {@link WorkerMeter#limitHit} counts. */
public enum WorkerLimit {
  /** A request (or background work) used more than its CPU time; its context was stopped. */
  CPU("cpu"),
  /** Loading the worker's code used more than the load CPU allowance. */
  LOAD_CPU("load_cpu"),
  /** The runner was low on memory and stopped the context holding the most of it. */
  MEMORY("memory"),
  /** A request made more fetch/RPC calls than allowed (per request, or across workers). */
  SUBREQUESTS("subrequests"),
  /** A chain of calls between workers grew deeper than allowed. */
  SUBREQUEST_DEPTH("subrequest_depth"),
  /** The worker buffered a body ({@code text()}, {@code json()}, ...) over the size limit. */
  BODY_TOO_LARGE("body_too_large"),
  /** The handler waited on a promise nothing could settle; the runner answered for it. */
  HUNG("hung");

  private final String label;

  WorkerLimit(String label) {
    this.label = label;
  }

  /** The value of the {@code limit} label. */
  public String label() {
    return label;
  }
}
