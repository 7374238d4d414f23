package dev.capmesh.runner.metrics;

import static java.util.Objects.requireNonNull;

import dev.capmesh.runner.observe.BindingListener;
import dev.capmesh.runner.observe.BindingUse;
import dev.capmesh.runner.observe.PlanSummary;
import dev.capmesh.runner.observe.RunnerObserver;
import dev.capmesh.runner.observe.SocketMeter;
import dev.capmesh.runner.observe.WorkerMeter;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * A runner's Prometheus metrics: its {@link RunnerObserver} (requests, latency, in-flight
 * requests and limits per socket; CPU time and limits per worker; plans applied and refused) and
 * a {@link BindingListener} (binding uses per worker and binding), plus the JVM's own meters.
 * Every label value is a name from the served plan or a fixed word; request paths, keys and URLs
 * never become labels. Series of sockets, workers and bindings a new plan no longer has are
 * dropped when it is applied. {@link #scrape()} renders the Prometheus text format.
 * Thread-safe.
 */
public final class RunnerMetrics implements RunnerObserver, BindingListener, AutoCloseable {
  /** The content type of {@link #scrape()}: the Prometheus text format, version 0.0.4. */
  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private final PrometheusMeterRegistry registry;
  private final Clock clock;
  private final JvmGcMetrics gc = new JvmGcMetrics();
  private final Map<String, WorkerMeters> workers = new ConcurrentHashMap<>();
  private final Map<String, SocketMeters> sockets = new ConcurrentHashMap<>();
  private final BindingMeters bindings;
  private final Counter applied;
  private final Counter refused;
  private final AtomicLong appliedAtMillis = new AtomicLong();
  private @Nullable PlanSummary served;
  private @Nullable Gauge planInfo;

  private RunnerMetrics(Clock clock) {
    this.clock = clock;
    this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    this.bindings = new BindingMeters(registry);
    this.applied = Counter.builder("capmesh.plans.applied")
        .description("Plans the runner applied (the first one included)").register(registry);
    this.refused = Counter.builder("capmesh.plans.refused")
        .description("Plans the runner refused; the one served before kept serving").register(registry);
    Gauge.builder("capmesh.plan.applied.timestamp", appliedAtMillis, t -> t.get() / 1000.0)
        .description("When the served plan was applied, in seconds since the epoch (0 before the first)")
        .baseUnit("seconds").strongReference(true).register(registry);
    new JvmMemoryMetrics().bindTo(registry);
    gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
  }

  /** Metrics stamping plan applications with {@code clock}'s time. */
  public static RunnerMetrics create(Clock clock) {
    return new RunnerMetrics(requireNonNull(clock, "clock"));
  }

  /** Every metric in the Prometheus text format ({@link #CONTENT_TYPE}). */
  public String scrape() {
    return registry.scrape();
  }

  @Override public WorkerMeter worker(String name) {
    return workers.computeIfAbsent(requireNonNull(name, "name"), n -> new WorkerMeters(registry, n));
  }

  @Override public SocketMeter socket(String name) {
    return sockets.computeIfAbsent(requireNonNull(name, "name"), n -> new SocketMeters(registry, n));
  }

  /** Counts {@code use}; never throws. */
  @Override public void used(BindingUse use) {
    try {
      bindings.used(use);
    } catch (RuntimeException e) {
      // A metric lost is better than a worker's call failing for it.
    }
  }

  @Override public synchronized void planApplied(PlanSummary plan) {
    requireNonNull(plan, "plan");
    applied.increment();
    appliedAtMillis.set(clock.millis());
    if (planInfo == null || served == null || !served.version().equals(plan.version())) {
      if (planInfo != null) {
        registry.remove(planInfo);
      }
      planInfo = Gauge.builder("capmesh.plan.info", () -> 1)
          .description("The plan served now: its version (content hash) as a label, value 1")
          .tag("version", plan.version()).strongReference(true).register(registry);
    }
    served = plan;
    plan.sockets().forEach((socket, service) -> ((SocketMeters) socket(socket)).serve(service));
    prune(plan);
  }

  @Override public synchronized void planRefused() {
    refused.increment();
    // Meters made for the refused plan's new workers go again.
    PlanSummary current = served;
    prune(current != null ? current : new PlanSummary("", Map.of(), Map.of()));
  }

  /** Drops the meters of sockets, workers and bindings {@code plan} does not have. */
  private void prune(PlanSummary plan) {
    sockets.entrySet().removeIf(e -> {
      boolean gone = !plan.sockets().containsKey(e.getKey());
      if (gone) {
        e.getValue().remove();
      }
      return gone;
    });
    workers.entrySet().removeIf(e -> {
      boolean gone = !plan.workers().containsKey(e.getKey());
      if (gone) {
        e.getValue().remove();
      }
      return gone;
    });
    bindings.plan(plan.workers());
  }

  /** Stops the JVM meters that hold resources (the GC listener). */
  @Override public void close() {
    gc.close();
    registry.close();
  }
}
