package dev.capmesh.runner.js;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Compatibility flags the runtime reads: {@value JsWorker#ALLOW_EVAL_FLAG}. */
class JsCompatFlagsTest {
  static JsRuntime runtime;

  @BeforeAll static void start() {
    runtime = JsTesting.warmRuntime();
  }

  @AfterAll static void stop() {
    runtime.close();
  }

  private static JsWorker worker(String source, List<String> flags) {
    return JsWorker.builder(runtime, "flags", WorkerCode.modules(WorkerModule.esModule("main.js", source)))
        .compatibilityFlags(flags).build();
  }

  @Test void theFlagAllowsEvalAndAnotherWorkerOnTheSameEngineStaysRefused() throws Exception {
    String source = """
        export default { async fetch() {
          let r;
          try { r = String(eval('1 + 1') + new Function('return 40')()); } catch (e) { r = e.name; }
          return new Response(r);
        } };
        """;
    JsWorker allowed = worker(source, List.of("nodejs_compat", JsWorker.ALLOW_EVAL_FLAG));
    JsWorker refused = worker(source, List.of());
    try {
      assertThat(JsTesting.get(allowed, "http://x/").text()).isEqualTo("42");
      assertThat(JsTesting.get(refused, "http://x/").text()).isEqualTo("EvalError");
    } finally {
      allowed.close();
      refused.close();
    }
  }

  @Test void topLevelEvalIsRefusedWithoutTheFlag() {
    // Stricter than workerd, which allows it during startup (allow_eval_during_startup): the
    // engine's switch cannot be turned off after startup, so capmesh refuses it throughout.
    assertThatThrownBy(() -> worker("export const x = eval('1');\nexport default {};", List.of("allow_eval_during_startup")))
        .isInstanceOf(JsLoadException.class)
        .hasMessageContaining("EvalError")
        .hasMessageContaining("Code generation from strings disallowed for this context");
  }
}
