package dev.capmesh.runner.js;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.Engine;
import org.graalvm.polyglot.HostAccess;
import org.junit.jupiter.api.Test;

/**
 * The JVM runs Truffle with the Graal JIT (surefire passes the same flags as bin/runner's
 * jvm-args.txt). Fails on the fallback (interpreter-only) runtime or if nothing gets compiled.
 */
class JsJitTest {

  @Test void runtimeIsOptimizing() throws Exception {
    try (JsRuntime runtime = JsRuntime.create()) {
      runtime.startWarmUp();
      assertThat(runtime.implementationName()).isNotEqualTo("Interpreted").contains("Graal");
      // The warm-up request (web APIs, service fetch, JS RPC both ways) ran through cleanly.
      assertThat(runtime.warmedUp.get(120, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    }
  }

  /**
   * The per-context setup functions are kept out of compilation by name: every web platform
   * script must name its wrapper with the prefix, or a new one would be compiled again. And the
   * exclusion must catch exactly them: a hot setup function is not compiled, a worker's
   * function of the same shape is.
   */
  @Test void setupFunctionsAreNamedForTheCompileExclusionAndOnlyThoseAreExcluded() throws Exception {
    CompileGate.openNow(); // this test is about what compiles, not when (CompileGateTest)
    var scripts = new java.util.ArrayList<>(JsRuntime.WEB_SOURCES);
    scripts.add("commonjs.js");
    for (String script : scripts) {
      try (var in = JsRuntime.class.getResourceAsStream(script)) {
        assertThat(in).as(script).isNotNull();
        String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        assertThat(text).as(script).containsPattern("(?m)^\\(function " + JsRuntime.SETUP_FUNCTION_PREFIX + "\\w+\\(");
      }
    }
    var log = new ByteArrayOutputStream();
    try (Engine engine = Engine.newBuilder("js")
        .allowExperimentalOptions(true)
        .option("engine.CompileOnly", "~" + JsRuntime.SETUP_FUNCTION_PREFIX)
        .option("engine.TraceCompilation", "true")
        .logHandler(log)
        .build();
        Context context = Context.newBuilder("js").engine(engine).allowHostAccess(HostAccess.NONE).build()) {
      String body = "(n) { let s = 0; for (let i = 0; i < n; i++) { s = (s + i * 7) | 0; } return s; }";
      context.eval("js", "function " + JsRuntime.SETUP_FUNCTION_PREFIX + "hot" + body + "\nfunction workerHot" + body);
      long deadline = System.nanoTime() + 20_000_000_000L;
      while (!log.toString(StandardCharsets.UTF_8).contains("workerHot") && System.nanoTime() < deadline) {
        context.eval("js", "for (let k = 0; k < 200; k++) { " + JsRuntime.SETUP_FUNCTION_PREFIX
            + "hot(1000); workerHot(1000); }");
      }
    }
    String out = log.toString(StandardCharsets.UTF_8);
    assertThat(out).contains("workerHot").doesNotContain(JsRuntime.SETUP_FUNCTION_PREFIX + "hot");
  }

  @Test void hotFunctionIsCompiledAndNoFallbackWarning() {
    CompileGate.openNow(); // this test is about what compiles, not when (CompileGateTest)
    var log = new ByteArrayOutputStream();
    try (Engine engine = Engine.newBuilder("js")
        .option("engine.WarnInterpreterOnly", "true")
        .option("engine.TraceCompilation", "true")
        .logHandler(log)
        .build();
        Context context = Context.newBuilder("js").engine(engine).allowHostAccess(HostAccess.NONE).build()) {
      context.eval("js", """
          function hot(n) { let s = 0; for (let i = 0; i < n; i++) { s = (s + i * 7) | 0; } return s; }
          let total = 0;
          for (let k = 0; k < 3000; k++) total = (total + hot(1000)) | 0;
          total;
          """);
      // Compilation runs in the background: give it a moment to report.
      long deadline = System.nanoTime() + 20_000_000_000L;
      while (!log.toString(StandardCharsets.UTF_8).contains("opt done") && System.nanoTime() < deadline) {
        context.eval("js", "for (let k = 0; k < 200; k++) hot(1000);");
      }
    }
    String out = log.toString(StandardCharsets.UTF_8);
    assertThat(out).doesNotContain("fallback runtime").doesNotContain("interpreter-only");
    assertThat(out).contains("opt done");
  }
}
