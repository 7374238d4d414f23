package dev.capmesh.samples;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Through the real {@code bin/runner serve}: environment and secret bindings, secrets kept out
 * of every log line (console and request log), and workers over a limit answered with a 5xx
 * while the runner keeps serving.
 */
class LimitsAndSecretsTest {
  private static final String SECRET = "sk-live-7f3a9c1e5b";
  private static final Path CONFIG = Path.of("src/test/resources/limits/config.capnp").toAbsolutePath();

  @Test
  void environmentAndSecretBindingsAndRedactedLogs() throws Exception {
    try (var runner = ServedRunner.serve(CONFIG, List.of("http"), Map.of("CAPMESH_TEST_REGION", "eu-west"),
        "--access-log")) {
      assertThat(runner.get("http", "/env").body()).isEqualTo("region=eu-west");
      assertThat(runner.get("http", "/log").body()).isEqualTo("logged " + SECRET.length() + " chars");
      // The secret in a request path must not reach the request log either.
      assertThat(runner.get("http", "/leak/" + SECRET).body()).isEqualTo("ok");
      String log = awaitLog(runner, "[REDACTED]", "/leak/");
      assertThat(log).contains("the key is [REDACTED]").contains("target=/leak/[REDACTED]");
      assertThat(log + Files.readString(runner.stdout)).doesNotContain(SECRET);
    }
  }

  @Test
  void overLimitWorkersGetA5xxAndTheRunnerKeepsServing() throws Exception {
    // A small heap, so that the allocation loop meets the memory bound quickly.
    try (var runner = ServedRunner.serve(CONFIG, List.of("http"),
        Map.of("CAPMESH_JAVA_OPTS", "-Xmx256m"))) {
      HttpResponse<String> spin = runner.get("http", "/spin");
      assertThat(spin.statusCode()).as(spin.body()).isBetween(500, 599);
      assertThat(spin.body()).contains("CPU time limit").contains(spin.headers().firstValue("x-request-id").orElseThrow());
      assertThat(runner.get("http", "/").body()).isEqualTo("ok");

      HttpResponse<String> hog = runner.get("http", "/hog");
      assertThat(hog.statusCode()).as(hog.body()).isEqualTo(503);
      assertThat(hog.body()).contains("low on memory").contains(hog.headers().firstValue("x-request-id").orElseThrow());
      assertThat(runner.process.isAlive()).isTrue();
      assertThat(awaitOk(runner)).isEqualTo("ok");
    }
  }

  /** The heap is collected right after a memory kill; give it a moment, then expect "ok". */
  private static String awaitOk(ServedRunner runner) throws Exception {
    String body = "";
    for (int i = 0; i < 50; i++) {
      HttpResponse<String> r = runner.get("http", "/");
      body = r.body();
      if (r.statusCode() == 200) {
        return body;
      }
      Thread.sleep(100);
    }
    return body;
  }

  private static String awaitLog(ServedRunner runner, String... needles) throws Exception {
    long deadline = System.nanoTime() + 20_000_000_000L;
    String log = "";
    while (System.nanoTime() < deadline) {
      log = Files.readString(runner.stderr);
      boolean all = true;
      for (String n : needles) {
        all &= log.contains(n);
      }
      if (all) {
        return log;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("log never showed " + List.of(needles) + "\n" + runner.output());
  }
}
