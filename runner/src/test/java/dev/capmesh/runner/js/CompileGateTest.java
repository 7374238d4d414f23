package dev.capmesh.runner.js;

import static org.assertj.core.api.Assertions.assertThat;

import dev.capmesh.runner.service.BodyStreams;
import dev.capmesh.runner.service.ServiceRequest;
import dev.capmesh.runner.service.ServiceResponse;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.Engine;
import org.graalvm.polyglot.HostAccess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The hold on the compiler in a process's first seconds (CompileGate): nothing compiles while it
 * lasts, JavaScript runs (interpreted) meanwhile, and compilation goes on when it ends. The hold
 * is for the whole process, so each test ends it.
 */
class CompileGateTest {
  private static final String HOT = """
      function hot(n) { let s = 0; for (let i = 0; i < n; i++) { s = (s + i * 7) | 0; } return s; }
      """;

  @AfterEach void endTheHold() {
    CompileGate.openNow();
  }

  @Test void aHeldCompilerCompilesNothingUntilTheHoldEndsThenCompiles() {
    assertThat(CompileGate.holdFor(Duration.ofMinutes(10))).as("the test JVM runs the optimizing runtime").isTrue();
    assertThat(CompileGate.holding()).isTrue();
    var log = new ByteArrayOutputStream();
    try (Engine engine = tracing(log); Context context = context(engine)) {
      context.eval("js", HOT);
      // Until a compiler thread has taken a compilation of this engine and waits at the gate.
      await(log, "opt queued", context);
      long deadline = System.nanoTime() + 30_000_000_000L;
      while (CompileGate.waiting() == 0 && System.nanoTime() < deadline) {
        context.eval("js", "for (let k = 0; k < 200; k++) hot(1000);");
      }
      assertThat(CompileGate.waiting()).as("compiler threads waiting at the gate").isPositive();
      // The function went on running interpreted, and nothing of this engine got compiled.
      assertThat(context.eval("js", "hot(1000)").asInt()).isEqualTo(expected(1000));
      assertThat(text(log)).contains("hot").doesNotContain("opt done");

      CompileGate.openNow();
      assertThat(CompileGate.holding()).isFalse();
      await(log, "opt done", context);
      assertThat(CompileGate.waiting()).isZero();
    }
    assertThat(text(log)).contains("opt done").doesNotContain("opt failed");
  }

  @Test void aHoldEndsByItselfWhenItsTimeIsUp() {
    assertThat(CompileGate.holdFor(Duration.ofMillis(1500))).isTrue();
    var log = new ByteArrayOutputStream();
    try (Engine engine = tracing(log); Context context = context(engine)) {
      context.eval("js", HOT);
      await(log, "opt done", context);
    }
    assertThat(CompileGate.holding()).isFalse();
  }

  /** A runtime whose compiler is held serves its calls (interpreted), and closes at once. */
  @Test @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void aRuntimeClosesWhileTheCompilerIsHeld() throws Exception {
    assertThat(CompileGate.holdFor(Duration.ofMinutes(10))).isTrue();
    JsRuntime runtime = JsRuntime.create();
    try {
      JsWorker worker = JsWorker.builder(runtime, "hot", WorkerCode.modules(WorkerModule.esModule("main.js", HOT + """
          export default { async fetch(request) {
            let total = 0;
            for (let k = 0; k < 500; k++) total = (total + hot(1000)) | 0;
            return new Response(String(total));
          } };
          """))).build();
      var answers = new ArrayList<CompletableFuture<ServiceResponse>>();
      for (int i = 0; i < 20; i++) {
        answers.add(worker.fetch(new ServiceRequest("GET", "http://w/", List.of(), BodyStreams.empty(), "r" + i)).toCompletableFuture());
      }
      int each = 0;
      for (int k = 0; k < 500; k++) {
        each = each + expected(1000);
      }
      for (var a : answers) {
        var response = a.get(60, TimeUnit.SECONDS);
        byte[] body = BodyStreams.readAll(response.body(), 1 << 10).get(10, TimeUnit.SECONDS);
        assertThat(response.status()).isEqualTo(200);
        assertThat(new String(body, StandardCharsets.UTF_8)).isEqualTo(String.valueOf(each));
      }
      assertThat(CompileGate.holding()).isTrue();
    } finally {
      runtime.close();
    }
    // Closing an engine does not wait for a compiler thread held at the gate (the test's timeout),
    // nor does it end the process's hold.
    assertThat(CompileGate.holding()).isTrue();
  }

  private static int expected(int n) {
    int s = 0;
    for (int i = 0; i < n; i++) {
      s = s + i * 7;
    }
    return s;
  }

  private static Engine tracing(ByteArrayOutputStream log) {
    return Engine.newBuilder("js")
        .allowExperimentalOptions(true)
        .option("engine.TraceCompilationDetails", "true")
        .logHandler(log)
        .build();
  }

  private static Context context(Engine engine) {
    return Context.newBuilder("js").engine(engine).allowHostAccess(HostAccess.NONE).build();
  }

  private static String text(ByteArrayOutputStream log) {
    synchronized (log) {
      return log.toString(StandardCharsets.UTF_8);
    }
  }

  /** Runs the hot function until the trace shows {@code what}, for at most 30 s. */
  private static void await(ByteArrayOutputStream log, String what, Context context) {
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (!text(log).contains(what) && System.nanoTime() < deadline) {
      context.eval("js", "for (let k = 0; k < 200; k++) hot(1000);");
    }
    assertThat(text(log)).as("the compile trace").contains(what);
  }

  /** capmesh.js.compileAfter: seconds from 0 to 3600; anything else means no hold. */
  @Test void theHoldSettingIsSecondsFromZeroToAnHour() {
    assertThat(CompileGate.parseHold("10")).isEqualTo(Duration.ofSeconds(10));
    assertThat(CompileGate.parseHold("2.5")).isEqualTo(Duration.ofMillis(2500));
    assertThat(CompileGate.parseHold("0")).isZero();
    assertThat(CompileGate.parseHold("3600")).isEqualTo(Duration.ofHours(1));
    for (String bad : List.of("-1", "3601", "ten", "", "NaN", "Infinity", "1e400")) {
      assertThat(CompileGate.parseHold(bad)).as(bad).isZero();
    }
  }
}
