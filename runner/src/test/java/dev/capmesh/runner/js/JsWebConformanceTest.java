package dev.capmesh.runner.js;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Differential conformance of the web APIs against Node.js 20. For each area,
 * {@code web-conformance/AREA.cases.json} lists inputs, {@code AREA.runner.js} turns one input
 * into a plain record, and {@code AREA.expected.json} holds the records Node produced (written by
 * {@code scripts/regen-web-conformance.mjs}; this test never needs Node). The runner file is
 * evaluated verbatim inside a worker and every non-excluded case is compared with Node's record;
 * all mismatches of an area are reported together. A case where Node departs from the standard
 * is marked {@code exclude} with the reason; if it also carries {@code spec} (the standard's
 * answer, from its algorithm and tables) it is compared with that instead of Node's record.
 */
class JsWebConformanceTest {
  static JsRuntime runtime;

  @BeforeAll static void start() {
    runtime = JsTesting.warmRuntime();
  }

  @AfterAll static void stop() {
    runtime.close();
  }

  /** Runs the cases and compares in the worker; the first line of the answer is the tally. */
  private static final String HARNESS = """
      const cases = CASES.cases;
      const golden = GOLDEN.results;
      export default { async fetch() {
        const lines = [];
        let compared = 0, excluded = 0, mismatches = 0;
        if (golden.length !== cases.length) {
          mismatches++;
          lines.push(`golden file has ${golden.length} results for ${cases.length} cases: run scripts/regen-web-conformance.mjs`);
        }
        for (let i = 0; i < cases.length; i++) {
          const c = cases[i];
          if (c.exclude && c.spec === undefined) { excluded++; continue; }
          const g = golden[i];
          if (!g || JSON.stringify(g.case) !== JSON.stringify(c)) {
            mismatches++;
            lines.push(`#${i} ${JSON.stringify(c)}: golden file is stale: run scripts/regen-web-conformance.mjs`);
            continue;
          }
          let out;
          try { out = await run(c); } catch (e) { out = { runnerError: String(e) }; }
          compared++;
          const want = c.spec !== undefined ? c.spec : g.out;
          if (JSON.stringify(out) !== JSON.stringify(want)) {
            mismatches++;
            lines.push(`#${i} ${JSON.stringify(c)}\\n    expected${c.spec !== undefined ? ' (the standard)' : ''}: ${JSON.stringify(want)}\\n    actual:   ${JSON.stringify(out)}`);
          }
        }
        return new Response(`compared=${compared} excluded=${excluded} mismatches=${mismatches}\\n` + lines.join('\\n'));
      } };
      """;

  @ParameterizedTest
  @ValueSource(strings = {"url", "urlsearchparams", "encoding", "encoding-legacy", "idna", "form", "streams-bytes", "base64", "headers", "fetch", "structured-clone", "crypto"})
  void matchesNode(String area) throws Exception {
    String source = "const run = " + resource(area + ".runner.js").strip() + ";\n"
        + "const CASES = " + resource(area + ".cases.json").strip() + ";\n"
        + "const GOLDEN = " + resource(area + ".expected.json").strip() + ";\n"
        + HARNESS;
    JsWorker worker = JsWorker.builder(runtime, "conformance-" + area,
            WorkerCode.modules(WorkerModule.esModule("main.js", source)))
        .limits(JsLimits.defaults().withCpuPerRequest(Duration.ofSeconds(60)))
        .poolSize(1)
        // The structured-clone cases are JavaScript expressions, turned into values with new Function.
        .compatibilityFlags(java.util.List.of(JsWorker.ALLOW_EVAL_FLAG))
        .build();
    try {
      // A generous deadline: an area runs hundreds of cases in one request, on a shared machine.
      var response = worker.fetch(new dev.capmesh.runner.service.ServiceRequest("GET", "http://conformance.test/",
              java.util.List.of(), dev.capmesh.runner.service.BodyStreams.empty(), JsTesting.nextId()))
          .toCompletableFuture().get(180, java.util.concurrent.TimeUnit.SECONDS);
      String text = new String(dev.capmesh.runner.service.BodyStreams.readAll(response.body(), 64L << 20)
          .get(180, java.util.concurrent.TimeUnit.SECONDS), StandardCharsets.UTF_8);
      assertThat(response.status()).as(text).isEqualTo(200);
      String tally = text.lines().findFirst().orElse("");
      assertThat(tally).as("%s: mismatches with Node.js (case, expected, actual):\n%s", area, text)
          .matches("compared=[1-9][0-9]* excluded=[0-9]+ mismatches=0");
    } finally {
      worker.close();
    }
  }

  private static String resource(String name) {
    try (InputStream in = JsWebConformanceTest.class.getResourceAsStream("/web-conformance/" + name)) {
      assertThat(in).as("test resource web-conformance/%s", name).isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
