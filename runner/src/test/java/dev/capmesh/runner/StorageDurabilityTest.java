package dev.capmesh.runner;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * No acknowledged write is lost: a runner in a child JVM stores objects through a worker's
 * {@code env.STORAGE.put}; right after the last 200, it is killed with SIGKILL (no shutdown hook,
 * nothing closed); a new runner on the same data directory reads every object back whole.
 */
class StorageDurabilityTest {
  @TempDir Path dir;

  @Test @Timeout(300)
  void everyAcknowledgedPutSurvivesKillMinusNine() throws Exception {
    for (String name : List.of("worker.js", "peer.js")) {
      try (InputStream in = StorageDurabilityTest.class.getResourceAsStream("/storage/" + name)) {
        Files.write(dir.resolve(name), in.readAllBytes());
      }
    }
    String config = StorageBindingTest.config("(embedded = ())", "", "");
    Files.writeString(dir.resolve("config.capnp"), config);

    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (!arg.startsWith("-agentlib:jdwp") && !arg.startsWith("-javaagent")) {
        command.add(arg);
      }
    }
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(StorageRunnerMain.class.getName());
    command.add(dir.toString());
    Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
    Map<String, byte[]> acknowledged = new LinkedHashMap<>();
    try {
      var in = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
      int port = -1;
      var output = new StringBuilder();
      for (String line; port < 0 && (line = in.readLine()) != null; ) {
        output.append(line).append('\n');
        if (line.startsWith("PORT ")) {
          port = Integer.parseInt(line.substring(5).trim());
        }
      }
      assertThat(port).as("child output: %s", output).isPositive();
      // Keep draining the child's output so it never blocks on a full pipe.
      Thread.ofVirtual().start(() -> {
        try {
          while (in.readLine() != null) {
            // discard
          }
        } catch (java.io.IOException ignored) {
          // the child is gone
        }
      });
      var client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).build();
      var random = new Random(11);
      for (int i = 0; i < 12; i++) {
        byte[] data = new byte[i == 5 ? 3 << 20 : 1000 * i];
        random.nextBytes(data);
        String key = "object-" + i;
        if (i == 11) {
          key = "object-3"; // a rewrite: the new bytes must be the ones that survive
        }
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
            + "/stream/" + key)).PUT(HttpRequest.BodyPublishers.ofByteArray(data))
            .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        acknowledged.put(key, data);
      }
    } finally {
      child.destroyForcibly(); // SIGKILL, right after the last acknowledgement
    }
    assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(child.exitValue()).isEqualTo(137);

    var config2 = TestRunners.compile(dir, config);
    try (Runner runner = TestRunners.start(dir, config2)) {
      int port = runner.listening().get("http").getPort();
      var client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).build();
      for (var e : acknowledged.entrySet()) {
        HttpResponse<byte[]> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
            + "/stream/" + e.getKey())).timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(r.statusCode()).as(e.getKey()).isEqualTo(200);
        assertThat(r.body()).as(e.getKey()).isEqualTo(e.getValue());
      }
      assertThat(TestRunners.get(runner, "http", "/keys")).contains("object-0", "object-10").doesNotContain("object-11");
    }
  }
}
