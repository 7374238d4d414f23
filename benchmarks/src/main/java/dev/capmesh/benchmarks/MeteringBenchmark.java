package dev.capmesh.benchmarks;

import dev.capmesh.runner.metrics.RunnerMetrics;
import dev.capmesh.runner.observe.BindingUse;
import dev.capmesh.runner.observe.PlanSummary;
import dev.capmesh.runner.observe.SocketMeter;
import dev.capmesh.runner.observe.WorkerMeter;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What {@code --admin-addr} adds to each request and each JavaScript task: the calls the HTTP
 * server and the event loops make on the meters of {@link RunnerMetrics}, against the no-op
 * meters a runner without metrics gets. The end-to-end view is {@code bench/runner/metrics-ab.sh}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-XX:+UseParallelGC"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class MeteringBenchmark {
  private RunnerMetrics metrics;
  private SocketMeter socket;
  private WorkerMeter worker;
  private SocketMeter noSocket;
  private BindingUse use;

  @Setup public void setUp() {
    metrics = RunnerMetrics.create(Clock.systemUTC());
    socket = metrics.socket("http");
    worker = metrics.worker("main");
    metrics.planApplied(new PlanSummary("v1", Map.of("http", "main"), Map.of("main", Set.of("KV"))));
    noSocket = SocketMeter.NONE;
    use = new BindingUse(Instant.now(), "r1", "main", "KV", "kv", "get", "some/key",
        BindingUse.Outcome.OK, 10, 0, 250_000);
  }

  @TearDown public void tearDown() {
    metrics.close();
  }

  /** One request as the server meters it: started, then ended with a 200 after 1.2 ms. */
  @Benchmark public void requestMetered() {
    socket.started();
    socket.ended(200, 1_234_567);
  }

  /** The same calls on the meter a runner without --admin-addr has. */
  @Benchmark public void requestUnmetered() {
    noSocket.started();
    noSocket.ended(200, 1_234_567);
  }

  /** One JavaScript task's CPU time added to its worker's counter. */
  @Benchmark public void cpuPerTask() {
    worker.cpuUsed(42_000);
  }

  /** One binding use counted (a KV get). */
  @Benchmark public void bindingUse() {
    metrics.used(use);
  }

  /** One scrape of everything, JVM meters included. */
  @Benchmark @OutputTimeUnit(TimeUnit.MICROSECONDS) public int scrape() {
    return metrics.scrape().length();
  }
}
