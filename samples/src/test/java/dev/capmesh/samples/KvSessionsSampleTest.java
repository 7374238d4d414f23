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

  /**
   * The prod service of the same sample, against the real Redis on 127.0.0.1:6379 ({@code
   * REDIS_URL} if set): the sample's config and code, copied with a unique key prefix and, since
   * that Redis has no password, without {@code passwordEnv}.
   */
  @Test
  void prodSessionsLiveInRedisUnderTheServicesKeyPrefix(@TempDir Path dir) throws Exception {
    String redisUrl = System.getenv().getOrDefault("REDIS_URL", "redis://127.0.0.1:6379");
    String prefix = "capmesh-test:" + java.util.UUID.randomUUID() + ":sessions:";
    Path sample = ServedRunner.ROOT.resolve("samples/kv-sessions");
    java.nio.file.Files.copy(sample.resolve("auth.js"), dir.resolve("auth.js"));
    String text = java.nio.file.Files.readString(sample.resolve("config.capnp"));
    String prod = "(redis = (url = \"redis://127.0.0.1:6379\", keyPrefix = \"capmesh-sample:sessions:\",\n"
        + "                                            passwordEnv = \"SESSIONS_REDIS_PASSWORD\"))";
    assertThat(text).contains(prod);
    Path config = dir.resolve("config.capnp");
    java.nio.file.Files.writeString(config, text.replace(prod, "(redis = (url = \"" + redisUrl
        + "\", keyPrefix = \"" + prefix + "\"))"));
    var client = io.lettuce.core.RedisClient.create(redisUrl);
    try (var connection = client.connect();
        var runner = ServedRunner.serve(config, List.of("dev", "prod"), "--data-dir", data.toString())) {
      var login = CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + runner.ports.get("prod")
          + "/login?user=grace")).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(login.statusCode()).as(runner.output()).isEqualTo(200);
      String cookie = login.headers().firstValue("set-cookie").orElseThrow().split(";")[0];
      var me = CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + runner.ports.get("prod") + "/me"))
          .header("cookie", cookie).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(me.body()).isEqualTo("you are grace\n");
      // The session is in Redis under the prod service's prefix, and not in the dev namespace.
      assertThat(connection.sync().keys(prefix + "*")).isNotEmpty();
      assertThat(send(runner, "GET", "/me", cookie).statusCode()).isEqualTo(401);
    } finally {
      try (var connection = client.connect()) {
        var keys = connection.sync().keys(prefix + "*");
        if (!keys.isEmpty()) {
          connection.sync().del(keys.toArray(String[]::new));
        }
      }
      client.shutdown();
    }
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
