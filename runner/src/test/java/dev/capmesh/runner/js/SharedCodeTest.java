package dev.capmesh.runner.js;

import static org.assertj.core.api.Assertions.assertThat;

import dev.capmesh.runner.service.RequestBudget;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The runtime's request handling is code that every worker of an engine shares. When a new
 * worker arrives (a --watch reload loads the edited one into a new context), that code must stay
 * compiled: if it had specialised on the handlers it had seen, the new one would invalidate it,
 * and every other worker would run slower until it was compiled again (issue 9's reload rows).
 */
class SharedCodeTest {

  @Test void aNewWorkerInvalidatesNoCompiledCodeTheOthersRun() throws Exception {
    List<String> lost = afterANewWorker("handleFetch", SharedCodeTest::fetch);
    assertThat(lost).as("compiled code the other workers run, invalidated by the new worker").isEmpty();
  }

  /** The same for JS RPC: the entrypoint class is made and its method called in shared code. */
  @Test void aNewWorkerInvalidatesNoCompiledRpcCodeTheOthersRun() throws Exception {
    List<String> lost = afterANewWorker("handleRpc", SharedCodeTest::rpc);
    assertThat(lost).as("compiled code the other workers run, invalidated by the new worker").isEmpty();
  }

  interface Call {
    void run(JsWorker w, String answer) throws Exception;
  }

  /**
   * Serves workers a and b1 until the runtime's {@code entry} is compiled in the last tier and
   * stays so, then loads b2 (the edited worker's next generation, in a new context of the same
   * engine) and serves it and a. Returns the compile trace's lines, from then on, that report
   * compiled code left or thrown away. Mutation-checked: calling the handler, making the class
   * or calling the RPC method directly from handleFetch / handleRpc fails these tests.
   */
  private static List<String> afterANewWorker(String entry, Call call) throws Exception {
    var log = new ByteArrayOutputStream();
    try (JsRuntime runtime = JsRuntime.create(b -> b
        .option("engine.TraceCompilationDetails", "true")
        .logHandler(log))) {
      CompileGate.openNow(); // this test is about what compiles, not when (CompileGateTest)
      JsWorker a = worker(runtime, "a", "a");
      JsWorker b1 = worker(runtime, "b", "b1");
      // Serve both until the runtime's entry is compiled in the last tier and a round of calls
      // to both leaves nothing compiled (both workers' handlers have been seen everywhere).
      long deadline = System.nanoTime() + 90_000_000_000L;
      int mark = 0;
      boolean stable = false;
      while (!stable && System.nanoTime() < deadline) {
        boolean ready = compiled(text(log), entry);
        mark = text(log).length();
        serve(call, a, "a", 100);
        serve(call, b1, "b1", 100);
        stable = ready && lost(text(log).substring(mark)).isEmpty();
      }
      assertThat(stable).as(entry + " compiled, and kept compiled by calls to both workers").isTrue();
      mark = text(log).length();

      JsWorker b2 = worker(runtime, "b", "b2");
      serve(call, b2, "b2", 50);
      serve(call, a, "a", 50);

      return lost(text(log).substring(mark));
    }
  }

  /**
   * The trace's lines that report compiled code left or thrown away. A promise's resolve
   * function (a builtin) may leave compiled code once for a new context's first calls, before
   * and with the fix alike: not a cache in the runtime's code meeting a new worker's function.
   */
  private static List<String> lost(String trace) {
    return trace.lines()
        .filter(l -> l.contains("opt invalidated") || l.contains("opt deopt"))
        .filter(l -> !l.contains("PromiseResolveRootNode"))
        .toList();
  }

  /** A worker whose default export answers {@code answer} to a fetch and to {@code hi()}. */
  private static JsWorker worker(JsRuntime runtime, String name, String answer) {
    return JsWorker.builder(runtime, name, WorkerCode.modules(WorkerModule.esModule(name + ".js", """
        import { WorkerEntrypoint } from 'cloudflare:workers';
        export default class extends WorkerEntrypoint {
          async fetch(request) { return new Response('%s'); }
          hi() { return '%s'; }
        };
        """.formatted(answer, answer)))).build();
  }

  private static void fetch(JsWorker w, String answer) throws Exception {
    var r = JsTesting.get(w, "http://w/");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.text()).isEqualTo(answer);
  }

  private static void rpc(JsWorker w, String answer) throws Exception {
    JsWorker.RpcOutcome out = w.callRpc(null, null, "hi", "[\"a\",0,0,[]]", JsTesting.nextId(), RequestBudget.root())
        .get(30, TimeUnit.SECONDS);
    assertThat(out.ok()).as(out.payload()).isTrue();
    assertThat(out.payload()).contains(answer);
  }

  private static void serve(Call call, JsWorker w, String answer, int times) throws Exception {
    for (int i = 0; i < times; i++) {
      call.run(w, answer);
    }
  }

  /**
   * Whether {@code entry}, by itself or inlined into the host's call (Value<...>.invoke), was
   * last compiled in the last tier (the first does not inline) and has not left that code since.
   */
  private static boolean compiled(String trace, String entry) {
    List<String> lines = trace.lines().filter(l -> l.contains(entry) || l.contains(">.invoke ")).toList();
    int done = -1;
    int left = -1;
    for (int i = 0; i < lines.size(); i++) {
      String l = lines.get(i);
      if (l.contains("opt done") && l.contains("|Tier 2|")) {
        done = i;
      } else if (l.contains("opt deopt") || l.contains("opt invalidated")) {
        left = i;
      }
    }
    return done > left;
  }

  private static String text(ByteArrayOutputStream log) {
    synchronized (log) {
      return log.toString(StandardCharsets.UTF_8);
    }
  }
}
