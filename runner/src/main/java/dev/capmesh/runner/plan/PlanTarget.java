package dev.capmesh.runner.plan;

import dev.capmesh.proto.v1.RunnerPlan;
import dev.capmesh.runner.RunnerException;

/**
 * What applies plans: the runner. One code path for every {@link PlanSource}: validate the
 * plan, build the new generation, swap atomically, drain the old one. If anything fails the
 * current plan keeps serving and nothing of the new one stays running.
 */
public interface PlanTarget {
  /**
   * Applies {@code plan}; returns once it serves.
   *
   * @throws RunnerException with one message per problem if the plan cannot be applied
   */
  void apply(RunnerPlan plan) throws RunnerException;

  /** The version served now, or {@code ""} before the first plan. */
  String version();
}
