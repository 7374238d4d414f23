package dev.capmesh.samples;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * samples/kv-sessions through the real {@code bin/runner serve}: sessions in the dev (embedded)
 * KV namespace, kept across a restart of the runner.
 */
class KvSessionsSampleTest {
  private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).build();
  @TempDir Path data;

  private static HttpResponse<String> send(ServedRunner runner, String method, String path, String cookie)
      throws Exception {
    var b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + runner.ports.get("dev") + path))
        .timeout(Duration.ofSeconds(30)).method(method, HttpRequest.BodyPublishers.noBody());
    if (cookie != null) {
      b.header("cookie", cookie);
    }
    return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void sessionsLiveInTheEmbeddedNamespaceAndSurviveARestart() throws Exception {
    Path config = ServedRunner.ROOT.resolve("samples/kv-sessions/config.capnp");
    String cookie;
    try (var runner = ServedRunner.serve(config, List.of("dev", "prod"), "--data-dir", data.toString())) {
      HttpResponse<String> login = send(runner, "POST", "/login?user=ada", null);
      assertThat(login.statusCode()).as(login.body()).isEqualTo(200);
      cookie = login.headers().firstValue("set-cookie").orElseThrow().split(";")[0];
      assertThat(send(runner, "GET", "/me", cookie).body()).isEqualTo("you are ada\n");
      assertThat(send(runner, "GET", "/me", "sid=00000000-0000-0000-0000-000000000000").statusCode()).isEqualTo(401);
    }
    assertThat(data.resolve("kv/sessions-dev/kv.mv.db")).exists();
    try (var runner = ServedRunner.serve(config, List.of("dev", "prod"), "--data-dir", data.toString())) {
      assertThat(send(runner, "GET", "/me", cookie).body()).isEqualTo("you are ada\n");
      assertThat(send(runner, "GET", "/sessions", null).body()).isEqualTo("[\"ada\"]");
      assertThat(send(runner, "POST", "/logout", cookie).body()).isEqualTo("bye\n");
      assertThat(send(runner, "GET", "/me", cookie).statusCode()).isEqualTo(401);
    }
  }
}
