package dev.capmesh.runner.js;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The runtime's request handling is code that every worker of an engine shares. When a new
 * worker arrives (a --watch reload loads the edited one into a new context), that code must stay
 * compiled: if it had specialised on the handlers it had seen, the new one would invalidate it,
 * and every other worker would run slower until it was compiled again (issue 9's reload rows).
 */
class SharedCodeTest {

  @Test void aNewWorkerInvalidatesNoCompiledCodeTheOthersRun() throws Exception {
    var log = new ByteArrayOutputStream();
    try (JsRuntime runtime = JsRuntime.create(b -> b
        .option("engine.TraceCompilationDetails", "true")
        .logHandler(log))) {
      CompileGate.openNow(); // this test is about what compiles, not when (CompileGateTest)
      JsWorker a = worker(runtime, "a", "a");
      JsWorker b1 = worker(runtime, "b", "b1");
      // Serve both until the runtime's request handling is compiled, and a little longer.
      long deadline = System.nanoTime() + 90_000_000_000L;
      while (!compiled(text(log)) && System.nanoTime() < deadline) {
        serve(a, "a", 20);
        serve(b1, "b1", 20);
      }
      assertThat(compiled(text(log))).as("handleFetch compiled").isTrue();
      serve(a, "a", 200);
      serve(b1, "b1", 200);
      int mark = text(log).length();

      // The edited worker's next generation, in a new context of the same engine.
      JsWorker b2 = worker(runtime, "b", "b2");
      serve(b2, "b2", 50);
      serve(a, "a", 50);

      // What the others run: the host's call into the runtime and the runtime's handleFetch.
      // (A promise's resolve function may leave compiled code once for the new context's first
      // requests; that is a branch taken for the first time, not a cache meeting a new handler.)
      List<String> lost = text(log).substring(mark).lines()
          .filter(l -> l.contains("opt invalidated") || l.contains("opt deopt"))
          .filter(l -> l.contains("handleFetch") || l.contains(">.invoke ") || l.contains("callFetch"))
          .toList();
      assertThat(lost).as("compiled code the other workers run, invalidated by the new worker").isEmpty();
    }
  }

  private static JsWorker worker(JsRuntime runtime, String name, String answer) {
    return JsWorker.builder(runtime, name, WorkerCode.modules(WorkerModule.esModule(name + ".js",
        "export default { async fetch(request) { return new Response('" + answer + "'); } };"))).build();
  }

  private static void serve(JsWorker w, String answer, int times) throws Exception {
    for (int i = 0; i < times; i++) {
      var r = JsTesting.get(w, "http://w/");
      assertThat(r.status()).isEqualTo(200);
      assertThat(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(answer);
    }
  }

  private static boolean compiled(String trace) {
    // handleFetch compiled by itself or inlined into the host's call (Value<...>.invoke), in the
    // last tier (the first does not inline).
    return trace.lines().anyMatch(l -> l.contains("opt done") && l.contains("|Tier 2|")
        && (l.contains("handleFetch") || l.contains(">.invoke ")));
  }

  private static String text(ByteArrayOutputStream log) {
    synchronized (log) {
      return log.toString(StandardCharsets.UTF_8);
    }
  }
}
