package dev.capmesh.runner.agent;

import dev.capmesh.proto.PlanDeltas;
import dev.capmesh.proto.PlanDigest;
import dev.capmesh.proto.v1.PlanUpdate;
import dev.capmesh.proto.v1.RunnerPlan;
import org.jspecify.annotations.Nullable;

/**
 * What an agent does with a {@link PlanUpdate}, decided before anything is applied: the full
 * plan to apply, an ACK because it already serves that version, or a NACK (a refusal, or a
 * resync request when a delta does not fit what it serves). Stateless.
 */
final class PlanChecks {
  private PlanChecks() {}

  /** The outcome of checking one update. */
  sealed interface Decision {}

  /** Apply {@code plan} (checked, complete, the announced version). */
  record Apply(RunnerPlan plan) implements Decision {}

  /** Already serving the announced version: ACK without applying it again. */
  record AlreadyServing() implements Decision {}

  /** Refuse the update; {@code resync}: ask for the whole plan instead of a delta. */
  record Refuse(String error, boolean resync) implements Decision {}

  /** Why a plan of {@code format} cannot be read by this runner, or null when it can. */
  static @Nullable String formatProblem(String version, int format) {
    if (format == 0) {
      return "plan " + PlanDigest.shortVersion(version) + " has no format (expected: 1 to "
          + PlanDigest.CURRENT_FORMAT + ")";
    }
    if (format > PlanDigest.CURRENT_FORMAT) {
      return "plan " + PlanDigest.shortVersion(version) + " is written in plan format " + format
          + ", and this runner reads formats up to " + PlanDigest.CURRENT_FORMAT
          + ": upgrade the runner before rolling out this plan";
    }
    return null;
  }

  /** What to do with {@code update} when the agent serves {@code current} (null: nothing). */
  static Decision decide(@Nullable RunnerPlan current, PlanUpdate update) {
    String version = update.getVersion();
    if (version.isEmpty()) {
      return new Refuse("the update announces no version", false);
    }
    boolean serving = current != null && current.getVersion().equals(version);
    switch (update.getBodyCase()) {
      case PLAN -> {
        RunnerPlan plan = update.getPlan();
        String problem = formatProblem(version, plan.getFormat());
        if (problem != null) {
          return new Refuse(problem, false);
        }
        try {
          PlanDigest.verify(plan);
        } catch (IllegalArgumentException e) {
          return new Refuse(e.getMessage(), false);
        }
        if (!plan.getVersion().equals(version)) {
          return new Refuse("the update announces version " + PlanDigest.shortVersion(version)
              + " but carries plan " + PlanDigest.shortVersion(plan.getVersion()), false);
        }
        return serving ? new AlreadyServing() : new Apply(plan);
      }
      case DELTA -> {
        String problem = formatProblem(version, update.getDelta().getFormat());
        if (problem != null) {
          return new Refuse(problem, false);
        }
        if (serving) {
          return new AlreadyServing();
        }
        if (current == null) {
          return new Refuse("this runner serves no plan yet, so it cannot apply a delta "
              + "(based on version " + PlanDigest.shortVersion(update.getDelta().getBaseVersion())
              + "): send the whole plan", true);
        }
        try {
          return new Apply(PlanDeltas.apply(current, update.getDelta(), version));
        } catch (IllegalArgumentException e) {
          return new Refuse(e.getMessage() + ": send the whole plan", true);
        }
      }
      case BODY_NOT_SET -> {
        return new Refuse("the update for version " + PlanDigest.shortVersion(version)
            + " carries neither a plan nor a delta", false);
      }
    }
    throw new AssertionError(update.getBodyCase());
  }
}
