package dev.capmesh.runner.js;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.capmesh.runner.service.BodyStreams;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@link FirstAlone}, and the first context of a fresh runtime setting up the web platform alone. */
class FirstAloneTest {
  @Test
  void theFirstCallerGoesAheadAndTheOthersWaitUntilItLeaves() throws Exception {
    var gate = new FirstAlone(Duration.ofMinutes(1));
    assertThat(gate.enter()).isTrue();
    var waiters = new ArrayList<CompletableFuture<Boolean>>();
    var threads = new ArrayList<Thread>();
    for (int i = 0; i < 3; i++) {
      var result = new CompletableFuture<Boolean>();
      waiters.add(result);
      threads.add(Thread.ofPlatform().daemon().start(() -> result.complete(gate.enter())));
    }
    // Each waiter is parked inside enter(), waiting for the first caller.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    for (Thread t : threads) {
      while (t.getState() != Thread.State.TIMED_WAITING) {
        assertThat(System.nanoTime()).as("%s parks in enter()", t).isLessThan(deadline);
        Thread.onSpinWait();
      }
    }
    assertThat(waiters).as("waiting for the first caller").noneMatch(CompletableFuture::isDone);
    gate.leave();
    for (var w : waiters) {
      assertThat(w.get(10, TimeUnit.SECONDS)).isFalse();
    }
    assertThat(gate.enter()).as("after the first run, no one waits and no one goes first").isFalse();
  }

  @Test
  void aWaiterGoesAheadAfterTheBoundWhenTheFirstRunNeverEnds() throws Exception {
    var gate = new FirstAlone(Duration.ofMillis(100));
    assertThat(gate.enter()).isTrue();
    var waiter = CompletableFuture.supplyAsync(gate::enter, r -> Thread.ofPlatform().daemon().start(r));
    assertThat(waiter.get(10, TimeUnit.SECONDS)).isFalse();
  }

  @Test
  void anInterruptedWaiterGoesAheadAndKeepsItsInterrupt() throws Exception {
    var gate = new FirstAlone(Duration.ofMinutes(1));
    assertThat(gate.enter()).isTrue();
    var result = new CompletableFuture<Boolean>();
    Thread t = Thread.ofPlatform().daemon().start(() -> {
      boolean first = gate.enter();
      result.complete(!first && Thread.currentThread().isInterrupted());
    });
    t.interrupt();
    assertThat(result.get(10, TimeUnit.SECONDS)).as("returned false with the interrupt kept").isTrue();
  }

  @Test
  void workersStartedSideBySideOnAFreshRuntimeAllLoadAndAnswer() throws Exception {
    try (JsRuntime runtime = JsRuntime.create()) {
      var workers = new ArrayList<JsWorker>();
      try {
        for (int i = 0; i < 12; i++) {
          String source = "export default { async fetch(r) { return new Response('w" + i
              + " ' + new URL(r.url).pathname + ' ' + typeof ReadableStream); } };";
          workers.add(JsWorker.builder(runtime, "w" + i, WorkerCode.modules(WorkerModule.esModule("main.js", source)))
              .start());
        }
        // One that cannot load, among them: reported as such, the others unaffected.
        JsWorker broken = JsWorker.builder(runtime, "broken",
            WorkerCode.modules(WorkerModule.esModule("main.js", "export default {"))).start();
        workers.add(broken);
        assertThatThrownBy(broken::awaitLoaded).isInstanceOf(JsLoadException.class);
        for (int i = 0; i < 12; i++) {
          workers.get(i).awaitLoaded();
          var r = JsTesting.call(workers.get(i), "GET", "http://x/p" + i, List.of(), BodyStreams.empty(),
              JsTesting.nextId());
          assertThat(r.status()).isEqualTo(200);
          assertThat(r.text()).isEqualTo("w" + i + " /p" + i + " function");
        }
      } finally {
        workers.forEach(JsWorker::close);
      }
    }
  }
}
