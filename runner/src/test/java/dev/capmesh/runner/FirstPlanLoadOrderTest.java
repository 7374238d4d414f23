package dev.capmesh.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.capmesh.proto.v1.RunnerPlan;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * On a process's first plan the sockets serve as soon as the workers they route to have loaded;
 * the other workers load behind them, and the plan is still refused whole if one of those fails.
 * A worker whose top-level code never returns stands for a slow load: it stays "loading" for as
 * long as the test needs, without any timing. The timeout only turns a runner that never serves
 * into a failure instead of a hang.
 */
@Timeout(60)
class FirstPlanLoadOrderTest {
  @TempDir Path dir;

  private static final String SPIN = "while (true) {} export default {};";

  private RunnerPlan plan(String front, String... others) throws Exception {
    var services = new StringBuilder();
    var bindings = new StringBuilder();
    for (int i = 0; i < others.length; i++) {
      String name = "w" + i;
      services.append("(name = \"").append(name).append("\", worker = (compatibilityDate = \"2024-09-01\", "
          + "modules = [ (name = \"w.js\", esModule = \"").append(others[i]).append("\") ])),\n");
      bindings.append(i == 0 ? "" : ", ").append("(name = \"W").append(i).append("\", service = \"")
          .append(name).append("\")");
    }
    return TestRunners.plan(TestRunners.compile(dir, """
        using Workerd = import "/workerd/workerd.capnp";
        const config :Workerd.Config = (
          services = [
            (name = "front", worker = (compatibilityDate = "2024-09-01",
              bindings = [ BINDINGS ],
              modules = [ (name = "f.js", esModule = "FRONT") ])),
            SERVICES
          ],
          sockets = [ (name = "http", address = "127.0.0.1:1", http = (), service = "front") ],
        );
        """.replace("BINDINGS", bindings).replace("FRONT", front).replace("SERVICES", services)));
  }

  private Runner runner() {
    return Runner.create(RunnerOptions.defaults(dir).withSocketAddresses(Map.of("http", "127.0.0.1:0")));
  }

  private static CompletableFuture<Void> applyInBackground(Runner runner, RunnerPlan plan) {
    return CompletableFuture.runAsync(() -> {
      try {
        runner.apply(plan);
      } catch (RunnerException e) {
        throw new java.util.concurrent.CompletionException(e);
      }
    }, r -> Thread.ofPlatform().daemon().start(r));
  }

  /** Waits (without a deadline of its own: the test's timeout bounds it) until the socket listens. */
  private static InetSocketAddress listeningSoon(Runner runner) throws InterruptedException {
    while (true) {
      InetSocketAddress at = runner.listening().get("http");
      if (at != null) {
        return at;
      }
      Thread.sleep(10);
    }
  }

  /**
   * Applies {@code plan} on another thread and checks that the socket answers GET / with
   * {@code expected} while that apply has not returned; then {@code more}, then closes the runner.
   */
  private void answersWhileLoading(RunnerPlan plan, String expected,
      org.assertj.core.api.ThrowingConsumer<Runner> more) throws Exception {
    Runner runner = runner();
    try {
      CompletableFuture<Void> applying = applyInBackground(runner, plan);
      listeningSoon(runner);
      assertThat(TestRunners.get(runner, "http", "/")).isEqualTo(expected);
      assertThat(applying).isNotDone();
      more.accept(runner);
    } finally {
      runner.close();
    }
  }

  @Test void theSocketAnswersWhileAnotherWorkerIsStillLoading() throws Exception {
    RunnerPlan plan = plan("export default { fetch() { return new Response('front'); } }", SPIN);
    // w0 never finishes loading: the apply has not returned, and the runner says why it is not
    // ready (so that a load balancer keeps waiting) while it already answers.
    answersWhileLoading(plan, "200 front", runner -> {
      assertThat(runner.notReady()).isEqualTo("some workers of the plan are still loading");
      assertThat(runner.version()).isEqualTo(plan.getVersion());
    });
  }

  @Test void stoppingTheRunnerWhileWorkersLoadEndsTheApplyWithAClearError() throws Exception {
    Runner runner = runner();
    CompletableFuture<Void> applying = applyInBackground(runner,
        plan("export default { fetch() { return new Response('front'); } }", SPIN));
    listeningSoon(runner);
    runner.close();
    assertThatThrownBy(() -> applying.get(60, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
        .cause().isInstanceOf(RunnerException.class).hasMessageContaining("the runner is stopping");
    assertThat(runner.listening()).isEmpty();
  }

  @Test void aWorkerThatFailsToLoadBehindTheSocketRefusesThePlanAndClosesTheSocket() throws Exception {
    try (Runner runner = runner()) {
      RunnerPlan broken = plan("export default { fetch() { return new Response('front'); } }",
          "throw new Error('w0 is broken'); export default {};");
      var seen = new java.util.concurrent.atomic.AtomicReference<InetSocketAddress>();
      var watcher = Thread.ofPlatform().daemon().start(() -> {
        try {
          seen.set(listeningSoon(runner));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      assertThatThrownBy(() -> runner.apply(broken)).isInstanceOf(RunnerException.class)
          .hasMessageContaining("worker \"w0\"").hasMessageContaining("w0 is broken");
      watcher.join(Duration.ofSeconds(5));
      watcher.interrupt();
      assertThat(runner.listening()).isEmpty();
      assertThat(runner.version()).isEmpty();
      assertThat(runner.notReady()).isEqualTo("no plan has been applied yet");
      if (seen.get() != null) {
        // The socket served for a moment: it is closed now.
        assertThatThrownBy(() -> new Socket().connect(seen.get(), 5_000)).isInstanceOf(ConnectException.class);
      }
      // Nothing of the refused plan is left behind: a good plan applies and serves.
      RunnerPlan good = plan("export default { async fetch(r, env) { return new Response('front ' + "
          + "await (await env.W1.fetch('http://w/')).text()); } }",
          "export default { fetch() { return new Response('w0'); } }",
          "export default { fetch() { return new Response('w1'); } }");
      runner.apply(good);
      assertThat(runner.notReady()).isNull();
      assertThat(TestRunners.get(runner, "http", "/")).isEqualTo("200 front w1");
    }
  }

  @Test void aRequestToAWorkerWaitingItsTurnLoadsItAtOnce() throws Exception {
    // w0 is first in the queue and never loads; w1 waits behind it until front calls it.
    answersWhileLoading(plan("export default { async fetch(r, env) { return new Response('front ' + "
        + "await (await env.W1.fetch('http://w/')).text()); } }", SPIN,
        "export default { fetch() { return new Response('w1'); } }"), "200 front w1", runner -> {});
  }

  @Test void everyLoadErrorIsReportedWhenTheSocketsWorkerFailsToo() throws Exception {
    try (Runner runner = runner()) {
      RunnerPlan plan = plan("throw new Error('front is broken'); export default {};",
          "export default { fetch() { return new Response('w0'); } }",
          "throw new Error('w1 is broken'); export default {};");
      assertThatThrownBy(() -> runner.apply(plan)).isInstanceOfSatisfying(RunnerException.class, e ->
          assertThat(e.problems()).anySatisfy(p -> assertThat(p).contains("front is broken"))
              .anySatisfy(p -> assertThat(p).contains("worker \"w1\"").contains("w1 is broken"))
              .hasSize(2));
      assertThat(runner.listening()).isEmpty();
    }
  }

  @Test void aLaterPlanWithAWorkerThatFailsToLoadLeavesTheCurrentOneServing() throws Exception {
    try (Runner runner = runner()) {
      runner.apply(plan("export default { fetch() { return new Response('v1'); } }",
          "export default { fetch() { return new Response('w0'); } }"));
      InetSocketAddress at = runner.listening().get("http");
      // Only a first plan serves before all of it has loaded: were this one served early, its
      // refusal would leave the runner without a plan.
      assertThatThrownBy(() -> runner.apply(plan("export default { fetch() { return new Response('v2'); } }",
          "throw new Error('w0 is broken'); export default {};"))).isInstanceOf(RunnerException.class)
          .hasMessageContaining("w0 is broken");
      assertThat(runner.listening()).containsEntry("http", at);
      assertThat(runner.notReady()).isNull();
      assertThat(TestRunners.get(runner, "http", "/")).isEqualTo("200 v1");
    }
  }
}
