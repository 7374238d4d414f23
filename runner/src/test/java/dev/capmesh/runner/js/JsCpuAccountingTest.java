package dev.capmesh.runner.js;

import static org.assertj.core.api.Assertions.assertThat;

import dev.capmesh.runner.observe.WorkerLimit;
import dev.capmesh.runner.observe.WorkerMeter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The loop reads its thread's CPU clock once per stretch of tasks and shares the stretch's time
 * among them: what it reports must still add up to what the thread used.
 */
class JsCpuAccountingTest {
  static JsRuntime runtime;

  @BeforeAll static void start() {
    runtime = JsTesting.warmRuntime();
  }

  @AfterAll static void stop() {
    runtime.close();
  }

  @Test void theCpuReportedForManyShortTasksAddsUpToTheThreadsCpuTime() throws Exception {
    LongAdder reported = new LongAdder();
    WorkerMeter meter = new WorkerMeter() {
      @Override public void cpuUsed(long nanos) {
        reported.add(nanos);
      }

      @Override public void limitHit(WorkerLimit limit) {}
    };
    // Each request is ten short tasks (a little work, then a timer); requests run eight at a
    // time, so their tasks queue up and share stretches.
    JsWorker w = JsWorker.builder(runtime, "acct", WorkerCode.modules(WorkerModule.esModule("main.js", """
        let x = 1;
        export default { async fetch() {
          for (let hop = 0; hop < 10; hop++) {
            for (let i = 0; i < 3000; i++) { x = (x * 1103515245 + 12345) % 2147483647; }
            await new Promise(resolve => setTimeout(resolve, 0));
          }
          return new Response('done');
        } };
        """))).meter(meter).poolSize(1).build();
    assertThat(JsTesting.get(w, "http://x/first").text()).isEqualTo("done");
    long threadBefore = settledThreadCpu("acct");
    long reportedBefore = reported.sum();

    ExecutorService clients = Executors.newFixedThreadPool(8);
    try {
      List<CompletableFuture<String>> answers = new ArrayList<>();
      for (int i = 0; i < 400; i++) {
        String url = "http://x/" + i;
        answers.add(CompletableFuture.supplyAsync(() -> {
          try {
            return JsTesting.get(w, url).text();
          } catch (Exception e) {
            throw new RuntimeException(e);
          }
        }, clients));
      }
      for (CompletableFuture<String> a : answers) {
        assertThat(a.get(60, TimeUnit.SECONDS)).isEqualTo("done");
      }
    } finally {
      clients.shutdown();
    }
    long threadUsed = settledThreadCpu("acct") - threadBefore;
    long reportedUsed = reported.sum() - reportedBefore;

    // 4,000 tasks of real work: far more than the clock's resolution. What is reported is what
    // the thread used, less only the executor's own time around the first and last stretch.
    assertThat(threadUsed).isGreaterThan(50_000_000L);
    assertThat(reportedUsed).as("reported %s ns, thread used %s ns", reportedUsed, threadUsed)
        .isBetween(threadUsed - 3_000_000L, threadUsed + 1_000_000L);
    w.close();
  }

  /** The loop thread's CPU time once it has stopped changing (the loop is idle). */
  private static long settledThreadCpu(String worker) throws InterruptedException {
    long last = JsTesting.loopCpuNanos(worker);
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (System.nanoTime() < deadline) {
      Thread.sleep(50);
      long now = JsTesting.loopCpuNanos(worker);
      if (now == last) {
        return now;
      }
      last = now;
    }
    return last;
  }
}
