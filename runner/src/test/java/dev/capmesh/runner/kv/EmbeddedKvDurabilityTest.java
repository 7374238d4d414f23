package dev.capmesh.runner.kv;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An acknowledged put survives kill -9 of the process that made it. */
class EmbeddedKvDurabilityTest {
  @TempDir Path dir;

  @Test
  void anAcknowledgedPutSurvivesKillMinusNine() throws Exception {
    Path store = dir.resolve("kv");
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(KvPutMain.class.getName());
    command.add(store.toString());
    command.add("durable");
    command.add("value-after-ack");
    Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
    var output = new StringBuilder();
    try (var in = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = in.readLine()) != null; ) {
        output.append(line).append('\n');
        if (line.equals("ACK")) {
          break;
        }
      }
      assertThat(output.toString()).as("child output").endsWith("ACK\n");
      child.destroyForcibly(); // SIGKILL: no shutdown hook, no close of the store
      assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
    } finally {
      child.destroyForcibly();
    }
    assertThat(child.exitValue()).isEqualTo(137);

    ExecutorService blocking = Executors.newSingleThreadExecutor();
    try (EmbeddedKv kv = EmbeddedKv.open(store, blocking)) {
      KvEntry e = kv.get("durable", 0).toCompletableFuture().get(10, TimeUnit.SECONDS);
      assertThat(e).isNotNull();
      assertThat(new String(e.value(), StandardCharsets.UTF_8)).isEqualTo("value-after-ack");
      assertThat(e.metadataJson()).isEqualTo("{\"acked\":true}");
      assertThat(kv.list("durable-", null, 1000, 0).toCompletableFuture().get(10, TimeUnit.SECONDS).keys())
          .hasSize(100);
    } finally {
      blocking.shutdownNow();
    }
  }
}
