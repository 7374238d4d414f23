package dev.capmesh.runner.js;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.ref.WeakReference;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A context stopped for a limit must become garbage: nothing in the runtime may keep it (or the
 * heap its code retained) reachable. Otherwise stopping a worker for memory frees nothing.
 */
class JsContextRetentionTest {
  static JsRuntime runtime;

  @BeforeAll static void start() {
    runtime = JsTesting.warmRuntime();
  }

  @AfterAll static void stop() {
    runtime.close();
  }

  @Test void theFirstContextIsCollectedOnceItIsStopped() throws Exception {
    JsWorker w = JsWorker.builder(runtime, "retained", WorkerCode.modules(WorkerModule.esModule("main.js", """
        const kept = new Float64Array(1 << 20);
        export default { async fetch(request) {
          if (new URL(request.url).pathname === '/spin') { while (true) {} }
          return new Response(String(kept.length));
        } };
        """))).limits(JsLimits.defaults().withCpuPerRequest(Duration.ofMillis(200))
            .withColdStart(Duration.ofMillis(200), 0)).poolSize(1).build();
    assertThat(JsTesting.get(w, "http://x/").text()).isEqualTo(String.valueOf(1 << 20));
    assertThat(w.contextsNow()).hasSize(1);
    var first = new WeakReference<>(w.contextsNow().get(0));

    assertThat(JsTesting.get(w, "http://x/spin").status()).isEqualTo(503);
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (first.get() != null && System.nanoTime() < deadline) {
      System.gc();
      Thread.sleep(50);
    }
    assertThat(first.get()).as("the stopped first context is still reachable").isNull();
    // and the worker goes on with a new context
    assertThat(JsTesting.get(w, "http://x/").status()).isEqualTo(200);
    w.close();
  }
}
