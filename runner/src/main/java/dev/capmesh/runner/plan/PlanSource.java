package dev.capmesh.runner.plan;

/**
 * Where a runner's plans come from: a config file compiled on the spot (and recompiled when it
 * changes, with {@code --watch}), or the control plane (agent mode). A source hands every plan
 * to its {@link PlanTarget} and reports the outcome where it came from (the terminal, or an
 * ACK/NACK to the control plane).
 */
public interface PlanSource extends AutoCloseable {
  /**
   * Delivers plans to {@code target} until {@link #close()}; returns once the first plan has
   * been applied, or throws if no first plan could be applied.
   *
   * @throws Exception with a message fit for the user when no plan could be applied at all
   */
  void start(PlanTarget target) throws Exception;

  /** Stops delivering plans; the target keeps serving the last one applied. */
  @Override void close();
}
