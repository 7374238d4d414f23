package dev.capmesh.runner.js;

import static org.assertj.core.api.Assertions.assertThat;

import dev.capmesh.runner.service.BodyStreams;
import dev.capmesh.runner.service.HttpService;
import dev.capmesh.runner.service.RequestBudget;
import dev.capmesh.runner.service.ServiceRequest;
import dev.capmesh.runner.service.ServiceResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** One incoming request cannot turn into an unbounded tree of calls between workers. */
class JsFanOutTest {
  static JsRuntime runtime;
  static final JsLimits LIMITS = JsLimits.defaults().withCpuPerRequest(Duration.ofSeconds(5));

  @BeforeAll static void start() {
    runtime = JsTesting.warmRuntime();
  }

  @AfterAll static void stop() {
    runtime.close();
  }

  /** A worker whose SELF binding leads back to itself, the way the runner wires a cycle. */
  private static JsWorker selfBound(String name, String source, HttpService extra) {
    var self = new AtomicReference<JsWorker>();
    HttpService forward = request -> self.get().fetch(request);
    JsWorker w = JsWorker.builder(runtime, name, WorkerCode.modules(WorkerModule.esModule("main.js", source)))
        .binding("SELF", EnvBinding.Service.of(forward))
        .binding("COUNT", EnvBinding.Service.of(extra))
        .limits(LIMITS).build();
    self.set(w);
    return w;
  }

  @Test void aWorkerCallingItselfStopsAtTheDepthLimit() throws Exception {
    var count = new JsTesting.Recorder(r -> ServiceResponse.text(200, ""));
    JsWorker w = selfBound("recurse", """
        export default { async fetch(request, env) {
          const depth = Number(new URL(request.url).searchParams.get('d') || '1');
          try {
            const r = await env.SELF.fetch('http://self/?d=' + (depth + 1));
            return new Response(await r.text());
          } catch (e) { return new Response('stopped at ' + depth + ': ' + e.message); }
        } };
        """, count);
    JsTesting.Result r = CompletableFuture.supplyAsync(() -> {
      try {
        return JsTesting.get(w, "http://self/");
      } catch (Exception e) {
        throw new RuntimeException(e);
      }
    }).get(30, TimeUnit.SECONDS);
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.text()).startsWith("stopped at " + RequestBudget.MAX_DEPTH + ": ")
        .contains("Subrequest depth limit exceeded");
    w.close();
  }

  @Test void fanOutAcrossHopsDrawsOnOneBudget() throws Exception {
    // Every invocation reports itself, then calls itself 10 times in parallel: 10 calls per
    // request is well within the per-request limit, but 16 hops deep that is 10^15 invocations
    // unless the hops share one budget.
    var count = new JsTesting.Recorder(r -> ServiceResponse.text(200, ""));
    JsWorker w = selfBound("fan-out", """
        export default { async fetch(request, env) {
          try { await env.COUNT.fetch('http://count/'); } catch (e) { return new Response(e.message); }
          const calls = Array.from({ length: 10 }, () => env.SELF.fetch('http://self/').then(r => r.text()));
          let refused = null;
          for (const x of await Promise.allSettled(calls)) {
            const text = x.status === 'rejected' ? x.reason.message : x.value;
            if (text.startsWith('Too many')) { refused = text; }
          }
          return new Response(refused ?? 'all answered');
        } };
        """, count);
    var budget = RequestBudget.root(60);
    ServiceResponse response = w.fetch(new ServiceRequest("GET", "http://self/", List.of(),
        BodyStreams.empty(), "fan-out-1", budget)).toCompletableFuture().get(60, TimeUnit.SECONDS);
    String text = new String(BodyStreams.readAll(response.body(), 1 << 20).get(30, TimeUnit.SECONDS),
        java.nio.charset.StandardCharsets.UTF_8);
    assertThat(response.status()).isEqualTo(200);
    assertThat(text).contains("Too many subrequests").contains("60").contains("fan-out-1");
    int invocations;
    synchronized (count) {
      invocations = count.requests.size();
    }
    // Every invocation but the first, and every report, took one subrequest from the budget.
    assertThat(invocations).isBetween(2, 60);
    assertThat(budget.used()).isEqualTo(60);
    w.close();
  }

  @Test void aChainOfRpcCallsStopsAtTheDepthLimit() throws Exception {
    String source = """
        import { WorkerEntrypoint } from "cloudflare:workers";
        export default class extends WorkerEntrypoint {
          async down() { return 1 + (this.env.NEXT ? await this.env.NEXT.down() : 0); }
          async fetch(request) {
            try { return new Response('reached ' + (1 + await this.env.NEXT.down())); }
            catch (e) { return new Response('refused: ' + e.message); }
          }
        }
        """;
    List<JsWorker> chain = new ArrayList<>();
    JsWorker next = null;
    for (int i = RequestBudget.MAX_DEPTH + 1; i >= 1; i--) {
      var b = JsWorker.builder(runtime, "chain-" + i, WorkerCode.modules(WorkerModule.esModule("main.js", source)))
          .limits(LIMITS).poolSize(1);
      if (next != null) {
        b.binding("NEXT", EnvBinding.Service.of(next));
      }
      next = b.build();
      chain.add(0, next);
    }
    // chain-2 .. chain-17: exactly the allowed depth.
    assertThat(JsTesting.get(chain.get(1), "http://x/").text()).isEqualTo("reached " + RequestBudget.MAX_DEPTH);
    JsTesting.Result tooDeep = JsTesting.get(chain.get(0), "http://x/");
    assertThat(tooDeep.text()).startsWith("refused: ").contains("Subrequest depth limit exceeded");
    chain.forEach(JsWorker::close);
  }
}
