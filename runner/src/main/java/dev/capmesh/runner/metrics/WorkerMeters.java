package dev.capmesh.runner.metrics;

import dev.capmesh.runner.observe.WorkerLimit;
import dev.capmesh.runner.observe.WorkerMeter;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * The meters of one worker service: the CPU time of its contexts (every version of the worker
 * with this name adds to the same counter) and the limits it hit. Thread-safe; the hot path is
 * one {@link LongAdder#add} per JavaScript task.
 */
final class WorkerMeters implements WorkerMeter {
  private final MeterRegistry registry;
  private final LongAdder cpuNanos = new LongAdder();
  private final FunctionCounter cpu;
  private final Map<WorkerLimit, Counter> limits = new EnumMap<>(WorkerLimit.class);

  WorkerMeters(MeterRegistry registry, String worker) {
    this.registry = registry;
    this.cpu = FunctionCounter.builder("capmesh.worker.cpu", cpuNanos, n -> n.sum() / 1e9)
        .description("Thread CPU time the worker's JavaScript used: requests, background work "
            + "and loading its code")
        .baseUnit("seconds").tag("worker", worker).register(registry);
    for (WorkerLimit limit : WorkerLimit.values()) {
      limits.put(limit, Counter.builder("capmesh.worker.limit.hits")
          .description("Limits the runner enforced on a worker, by limit")
          .tag("worker", worker).tag("limit", limit.label()).register(registry));
    }
  }

  @Override public void cpuUsed(long nanos) {
    if (nanos > 0) {
      cpuNanos.add(nanos);
    }
  }

  @Override public void limitHit(WorkerLimit limit) {
    limits.get(limit).increment();
  }

  /** Unregisters every meter of this worker (it is gone from the plan). */
  void remove() {
    registry.remove(cpu);
    limits.values().forEach(registry::remove);
  }
}
