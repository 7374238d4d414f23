package dev.capmesh.runner.js;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Loading a worker's code is charged to the worker: being stopped cannot buy fresh load CPU. */
class JsLoadBudgetTest {
  static JsRuntime runtime;

  @BeforeAll static void start() {
    runtime = JsTesting.warmRuntime();
  }

  @AfterAll static void stop() {
    runtime.close();
  }

  @Test void aWorkerWithExpensiveTopLevelCodeIsNotReloadedAfterEveryCpuKill() throws Exception {
    // Top-level code does a fixed amount of work, close to a second of CPU time (a wall-clock
    // second would be far less CPU on a busy machine, and a backoff under two seconds is waited
    // out by the request). Every request spins until the 100 ms limit stops it. The backoff clock
    // stands still, so no wait ever ends during the test.
    long frozen = System.nanoTime();
    JsWorker w = JsWorker.builder(runtime, "heavy-load", WorkerCode.modules(WorkerModule.esModule("main.js", """
        function burn(n) {
          let x = 1;
          for (let i = 0; i < n; i++) { x = (x * 1103515245 + 12345) % 2147483647; }
          return x;
        }
        globalThis.burnt = burn(30000000);
        export default { async fetch(request) { while (true) {} } };
        """))).limits(JsLimits.defaults().withCpuPerRequest(Duration.ofMillis(100))
            .withColdStart(Duration.ofMillis(100), 0)).poolSize(1).clock(() -> frozen).build();
    assertThat(w.loads()).isEqualTo(1);
    String last = "";
    for (int i = 0; i < 8; i++) {
      JsTesting.Result r = JsTesting.get(w, "http://x/" + i);
      assertThat(r.status()).as("request %s", i).isEqualTo(503);
      last = r.text();
    }
    // Before: one load per request (9 loads, 9 s of CPU for 0.8 s of requests). Now the first
    // replacement is immediate and the next waits ten times the load's CPU time (over a second).
    System.out.println("heavy-load last answer: " + last);
    assertThat(w.loads()).as(last).isEqualTo(2);
    assertThat(last).contains("heavy-load").contains("keeps being stopped")
        .contains("next load is allowed in");
    w.close();
  }

  @Test void aReloadOverTheLoadLimitMarksTheWorkerFailedWithBackoff() throws Exception {
    // The code loads fine now; from `spinAfter` on, its top-level code never ends.
    long spinAfter = System.currentTimeMillis() + 1500;
    JsWorker w = JsWorker.builder(runtime, "turns-bad", WorkerCode.serviceWorker("sw.js", """
        if (Date.now() > Number(SPIN_AFTER)) { while (true) {} }
        addEventListener('fetch', (e) => e.respondWith((async () => {
          if (new URL(e.request.url).pathname === '/spin') { while (true) {} }
          return new Response('fine');
        })()));
        """)).binding("SPIN_AFTER", new EnvBinding.Text(Long.toString(spinAfter)))
        .limits(JsLimits.defaults().withColdStart(Duration.ofMillis(200), 0))
        .loadCpuLimit(Duration.ofMillis(300)).poolSize(1).build();
    assertThat(JsTesting.get(w, "http://x/").text()).isEqualTo("fine");
    while (System.currentTimeMillis() <= spinAfter) {
      Thread.sleep(10);
    }
    assertThat(JsTesting.get(w, "http://x/spin").status()).isEqualTo(503);
    // The replacement's load spins: stopped at 300 ms, and the request waiting for it says so.
    JsTesting.Result r = JsTesting.get(w, "http://x/");
    assertThat(r.status()).isEqualTo(503);
    assertThat(r.text()).contains("turns-bad").contains("failed to load")
        .contains("0.3 s of CPU time allowed for loading");
    int loads = w.loads();
    for (int i = 0; i < 5; i++) {
      JsTesting.Result again = JsTesting.get(w, "http://x/" + i);
      assertThat(again.status()).isEqualTo(503);
      assertThat(again.text()).contains("failed to load").contains("next load is allowed in");
    }
    assertThat(w.loads()).isEqualTo(loads);
    w.close();
  }

  @Test void closingAWorkerWhileItLoadsStopsTheLoad() throws Exception {
    long spinAfter = System.currentTimeMillis() + 1000;
    JsWorker w = JsWorker.builder(runtime, "close-while-loading", WorkerCode.serviceWorker("sw.js", """
        if (Date.now() > Number(SPIN_AFTER)) { while (true) {} }
        addEventListener('fetch', (e) => e.respondWith(new Response('fine')));
        """)).binding("SPIN_AFTER", new EnvBinding.Text(Long.toString(spinAfter)))
        .poolSize(1).build();
    while (System.currentTimeMillis() <= spinAfter) {
      Thread.sleep(10);
    }
    int loadsBefore = w.loads();
    w.close(); // the next request starts a context whose load spins (10 s allowance)
    var pending = w.fetch(new dev.capmesh.runner.service.ServiceRequest("GET", "http://x/",
        java.util.List.of(), dev.capmesh.runner.service.BodyStreams.empty(), "while-loading"));
    // Close only once the spinning load has started.
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
    while (w.loads() == loadsBefore) {
      assertThat(System.nanoTime()).as("the second load never started").isLessThan(deadline);
      Thread.onSpinWait();
    }
    w.close();
    var response = pending.toCompletableFuture().get(5, java.util.concurrent.TimeUnit.SECONDS);
    assertThat(response.status()).isEqualTo(503);
    assertThat(w.liveContexts()).isZero();
  }
}
