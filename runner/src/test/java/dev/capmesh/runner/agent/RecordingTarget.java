package dev.capmesh.runner.agent;

import dev.capmesh.proto.v1.RunnerPlan;
import dev.capmesh.runner.RunnerException;
import dev.capmesh.runner.plan.PlanTarget;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.jspecify.annotations.Nullable;

/** A PlanTarget that records what it is given and fails or blocks when told to. */
final class RecordingTarget implements PlanTarget {
  final List<RunnerPlan> applied = new CopyOnWriteArrayList<>();
  /** Problems to throw on the next apply, or null. */
  volatile @Nullable List<String> failNext;
  /** When set, apply waits on it (a runner stuck mid-apply). */
  volatile @Nullable CountDownLatch block;
  /** Counted down when apply is entered; replace it to wait for the next apply. */
  volatile CountDownLatch entered = new CountDownLatch(1);
  private volatile String version = "";

  @Override
  public void apply(RunnerPlan plan) throws RunnerException {
    entered.countDown();
    CountDownLatch b = block;
    if (b != null) {
      try {
        b.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new RunnerException(List.of("interrupted"));
      }
    }
    List<String> problems = failNext;
    if (problems != null) {
      failNext = null;
      throw new RunnerException(problems);
    }
    applied.add(plan);
    version = plan.getVersion();
  }

  @Override
  public String version() {
    return version;
  }
}
