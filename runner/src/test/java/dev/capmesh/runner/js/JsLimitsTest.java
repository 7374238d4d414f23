package dev.capmesh.runner.js;

import static org.assertj.core.api.Assertions.assertThat;

import dev.capmesh.runner.service.BodyStreams;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class JsLimitsTest {
  static JsRuntime runtime;

  @BeforeAll static void start() {
    runtime = JsTesting.warmRuntime();
  }

  @AfterAll static void stop() {
    runtime.close();
  }

  @Test void cpuLimitStopsAnEndlessLoopWhileOtherRequestsAreServed() throws Exception {
    JsWorker w = JsWorker.builder(runtime, "spin", WorkerCode.modules(WorkerModule.esModule("main.js", """
        export default { async fetch(request) {
          if (new URL(request.url).pathname === '/spin') { while (true) {} }
          return new Response('fine');
        } };
        """))).limits(new JsLimits(Duration.ofMillis(200), 50, 1 << 20)).build();
    JsWorker other = JsTesting.module(runtime, "export default { fetch() { return new Response('other'); } };");

    long start = System.nanoTime();
    CompletableFuture<JsTesting.Result> spin = CompletableFuture.supplyAsync(() -> {
      try {
        return JsTesting.call(w, "GET", "http://x/spin", List.of(), BodyStreams.empty(), "spin-1");
      } catch (Exception e) {
        throw new RuntimeException(e);
      }
    });
    // Wait until the endless loop is running on one of the worker's contexts.
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (w.contextsNow().stream().noneMatch(c -> {
      RequestState st = c.current();
      return st != null && st.requestId.equals("spin-1");
    })) {
      assertThat(System.nanoTime()).as("the spinning request started").isLessThan(deadline);
      Thread.onSpinWait();
    }
    // While the loop runs: the same worker (another context) and another worker still answer.
    assertThat(JsTesting.get(w, "http://x/ok").text()).isEqualTo("fine");
    assertThat(JsTesting.get(other, "http://x/").text()).isEqualTo("other");

    JsTesting.Result r = spin.get();
    long tookMs = (System.nanoTime() - start) / 1_000_000;
    assertThat(r.status()).isEqualTo(503);
    assertThat(r.text()).contains("CPU time limit").contains("spin-1");
    assertThat(tookMs).isLessThan(10_000);
    // The pool replaced the dead context.
    assertThat(JsTesting.get(w, "http://x/again").text()).isEqualTo("fine");
  }

  @Test void cpuSpreadOverManyShortTasksIsChargedAndStopped() throws Exception {
    // Each task of the request burns a little CPU (well under a millisecond once compiled) and
    // yields to a timer: no single task comes near the limit, and the loop reads its CPU clock
    // once per stretch of tasks, not per task. The time of every short task must still add up
    // to the request's total, so the request is stopped once it has used 100 ms.
    JsWorker w = JsWorker.builder(runtime, "ticks", WorkerCode.modules(WorkerModule.esModule("main.js", """
        export default { async fetch(request) {
          let x = 1;
          if (new URL(request.url).pathname === '/ticks') {
            for (;;) {
              for (let i = 0; i < 5000; i++) { x = (x * 1103515245 + 12345) % 2147483647; }
              await new Promise(resolve => setTimeout(resolve, 0));
            }
          }
          return new Response('fine');
        } };
        """))).limits(new JsLimits(Duration.ofMillis(100), 50, 1 << 20).withColdStart(Duration.ZERO, 0))
        .poolSize(1).build();
    assertThat(JsTesting.get(w, "http://x/ok").text()).isEqualTo("fine");

    JsTesting.Result r = JsTesting.call(w, "GET", "http://x/ticks", List.of(), BodyStreams.empty(), "ticks-1");
    assertThat(r.status()).isEqualTo(503);
    assertThat(r.text()).contains("CPU time limit").contains("ticks-1");
    assertThat(JsTesting.get(w, "http://x/again").text()).isEqualTo("fine");
  }

  @Test void coldStartAllowanceCoversOnlyTheFirstRequestsOfAWorker() throws Exception {
    // The limit is 100 ms; the first two requests may use 30 s. Each of those burns about a
    // second of wall time (well over 100 ms of CPU unless the machine is starved). After them,
    // an endless loop must be stopped by the normal limit: far sooner than 30 s.
    JsWorker w = JsWorker.builder(runtime, "cold", WorkerCode.modules(WorkerModule.esModule("main.js", """
        export default { async fetch(request) {
          if (new URL(request.url).pathname === '/spin') { while (true) {} }
          const end = Date.now() + 1000;
          let n = 0;
          while (Date.now() < end) { n++; }
          return new Response('burned ' + (n > 0));
        } };
        """))).limits(new JsLimits(Duration.ofMillis(100), 50, 1 << 20, Duration.ofSeconds(30), 2))
        .poolSize(1).build();
    assertThat(JsTesting.get(w, "http://x/1").text()).isEqualTo("burned true");
    assertThat(JsTesting.get(w, "http://x/2").text()).isEqualTo("burned true");
    for (String attempt : List.of("third", "fourth")) {
      // The fourth runs in the context replacing the stopped one: it shares the warm code and
      // gets no new allowance.
      long start = System.nanoTime();
      JsTesting.Result r = JsTesting.get(w, "http://x/spin");
      long tookMs = (System.nanoTime() - start) / 1_000_000;
      assertThat(r.status()).as(attempt).isEqualTo(503);
      assertThat(r.text()).as(attempt).contains("CPU time limit");
      assertThat(tookMs).as(attempt).isLessThan(15_000);
    }
  }

  @Test void coldStartAllowanceIsNeverBelowTheLimitAndCanBeTurnedOff() {
    var limits = new JsLimits(Duration.ofSeconds(3), 50, 1 << 20, Duration.ofMillis(10), 4);
    assertThat(limits.coldStartCpu()).isEqualTo(Duration.ofSeconds(3));
    assertThat(JsLimits.defaults().withColdStart(Duration.ofSeconds(2), 0).coldStartRequests()).isZero();
    org.assertj.core.api.Assertions.assertThatThrownBy(
        () -> new JsLimits(Duration.ofSeconds(1), 50, 1 << 20, Duration.ofSeconds(2), -1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("coldStartRequests");
  }

  @Test void handlerThatCanNeverAnswerGetsA500InsteadOfHanging() throws Exception {
    JsWorker w = JsWorker.builder(runtime, "stuck", WorkerCode.modules(WorkerModule.esModule("main.js", """
        let shared;
        export default { async fetch(request) {
          const path = new URL(request.url).pathname;
          if (path === '/never') { await new Promise(() => {}); }
          if (path === '/timer-then-never') {
            await new Promise(r => setTimeout(r, 50));
            await new Promise(() => {});
          }
          if (path === '/cleared') {
            await new Promise(r => { const t = setTimeout(r, 50); clearTimeout(t); });
          }
          if (path === '/slow') { await new Promise(r => setTimeout(r, 300)); }
          return new Response('answered ' + path);
        } };
        """))).build();
    for (String path : List.of("/never", "/timer-then-never", "/cleared")) {
      JsTesting.Result r = CompletableFuture.supplyAsync(() -> {
        try {
          return JsTesting.get(w, "http://x" + path);
        } catch (Exception e) {
          throw new RuntimeException(e);
        }
      }).get(10, java.util.concurrent.TimeUnit.SECONDS);
      assertThat(r.status()).as(path).isEqualTo(500);
      assertThat(r.text()).as(path).contains("will never produce a response");
    }
    // Waiting on a timer (or I/O) is not hanging; the worker still answers afterwards.
    assertThat(JsTesting.get(w, "http://x/slow").text()).isEqualTo("answered /slow");
    assertThat(JsTesting.get(w, "http://x/ok").text()).isEqualTo("answered /ok");
  }

  @Test void bufferedBodyLimit() throws Exception {
    JsWorker w = JsWorker.builder(runtime, "big", WorkerCode.modules(WorkerModule.esModule("main.js", """
        export default { async fetch(request) {
          try { await request.text(); return new Response('read'); }
          catch (e) { return new Response(e.name + ': ' + e.message, { status: 413 }); }
        } };
        """))).limits(new JsLimits(Duration.ofSeconds(2), 50, 1000)).build();
    var r = JsTesting.post(w, "http://x/", "x".repeat(5000));
    assertThat(r.status()).isEqualTo(413);
    assertThat(r.text()).isEqualTo("RangeError: body is larger than the limit of 1000 bytes");
  }
}
