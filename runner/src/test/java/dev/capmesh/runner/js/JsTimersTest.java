package dev.capmesh.runner.js;

import static org.assertj.core.api.Assertions.assertThat;

import dev.capmesh.runner.service.ServiceResponse;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Timers are a resource: cleared ones leave the scheduler, a request's end with the request. */
class JsTimersTest {
  static JsRuntime runtime;

  @BeforeAll static void start() {
    runtime = JsTesting.warmRuntime();
  }

  @AfterAll static void stop() {
    runtime.close();
  }

  private static JsWorker worker(String name, String source) {
    return JsWorker.builder(runtime, name, WorkerCode.modules(WorkerModule.esModule("main.js", source)))
        .limits(JsLimits.defaults().withCpuPerRequest(Duration.ofSeconds(10))).poolSize(1).build();
  }

  /** Polls {@code condition} until it holds or 30 s have passed. */
  private static boolean eventually(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(20);
    }
    return true;
  }

  @Test void longTimersSetAndClearedOrLeftByRequestsDoNotPileUpInTheScheduler() throws Exception {
    // The attack from the issue: every request sets 20k hour-long timers, clears half of them,
    // leaves the rest pending and answers 200.
    JsWorker w = worker("timers", """
        export default { async fetch(request) {
          const ids = [];
          for (let i = 0; i < 20000; i++) ids.push(setTimeout(() => {}, 3600000));
          for (let i = 0; i < 10000; i++) clearTimeout(ids[i]);
          return new Response('set ' + ids.length);
        } };
        """);
    for (int i = 0; i < 30; i++) {
      JsTesting.Result r = JsTesting.get(w, "http://x/" + i);
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.text()).isEqualTo("set 20000");
    }
    // The last request's leftovers are cancelled once it has ended (asynchronously).
    assertThat(eventually(() -> runtime.scheduledTasks() < 100))
        .as("scheduler queue after 30 requests: %s", runtime.scheduledTasks()).isTrue();
    assertThat(JsTesting.get(w, "http://x/again").status()).isEqualTo(200);
    w.close();
  }

  @Test void anIntervalSetByARequestStopsWhenTheRequestEnds() throws Exception {
    JsWorker w = worker("interval", """
        let ticks = 0;
        export default { async fetch(request) {
          const path = new URL(request.url).pathname;
          if (path === '/start') { setInterval(() => { ticks++; }, 5); return new Response('started'); }
          return new Response(String(ticks));
        } };
        """);
    int before = runtime.scheduledTasks();
    assertThat(JsTesting.get(w, "http://x/start").text()).isEqualTo("started");
    assertThat(eventually(() -> runtime.scheduledTasks() <= before)).isTrue();
    String first = JsTesting.get(w, "http://x/ticks").text();
    String second = JsTesting.get(w, "http://x/ticks").text();
    assertThat(second).isEqualTo(first);
    w.close();
  }

  @Test void timersAwaitedByTheHandlerOrByWaitUntilStillFire() throws Exception {
    var recorder = new JsTesting.Recorder(r -> ServiceResponse.text(200, "noted"));
    JsWorker w = JsWorker.builder(runtime, "late", WorkerCode.modules(WorkerModule.esModule("main.js", """
        export default { async fetch(request, env, ctx) {
          await new Promise(r => setTimeout(r, 30));
          ctx.waitUntil(new Promise(r => setTimeout(r, 200)).then(() => env.REC.fetch('http://rec/late')));
          return new Response('answered');
        } };
        """))).binding("REC", EnvBinding.Service.of(recorder)).build();
    assertThat(JsTesting.get(w, "http://x/").text()).isEqualTo("answered");
    assertThat(eventually(() -> {
      synchronized (recorder) {
        return recorder.requests.size() == 1;
      }
    })).isTrue();
    w.close();
  }
}
