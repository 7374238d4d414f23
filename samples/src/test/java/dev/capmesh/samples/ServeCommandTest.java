package dev.capmesh.samples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bin/runner serve} behaviour: --watch swaps atomically and survives bad edits; SIGTERM drains. */
class ServeCommandTest {

  @Test
  void watchSwapsToTheEditedVersionAndKeepsServingOnErrors(@TempDir Path dir) throws Exception {
    Path sample = ServedRunner.ROOT.resolve("samples/hello-world");
    Files.copy(sample.resolve("config.capnp"), dir.resolve("config.capnp"));
    Files.copy(sample.resolve("worker.js"), dir.resolve("worker.js"));
    try (var runner = ServedRunner.serve(dir.resolve("config.capnp"), List.of("http"), "--watch")) {
      assertThat(runner.get("http", "/").body()).isEqualTo("Hello from capmesh at /\n");

      Files.writeString(dir.resolve("config.capnp"),
          Files.readString(dir.resolve("config.capnp")).replace("text = \"Hello\"", "text = \"Howdy\""));
      awaitBody(runner, "Howdy from capmesh at /\n");

      Files.writeString(dir.resolve("config.capnp"), "this is not a config");
      awaitOutput(runner, "still serving version");
      assertThat(runner.get("http", "/").body()).isEqualTo("Howdy from capmesh at /\n");
      assertThat(Files.readString(runner.stderr)).contains("config.capnp:1:1: error:");
    }
  }

  @Test
  void sigtermDrainsAndExitsCleanly() throws Exception {
    Path config = ServedRunner.ROOT.resolve("samples/hello-world/config.capnp");
    try (var runner = ServedRunner.serve(config, List.of("http"))) {
      assertThat(runner.get("http", "/").statusCode()).isEqualTo(200);
      int exit = runner.interrupt();
      assertThat(Files.readString(runner.stderr)).contains("stopping");
      assertThat(exit).isIn(0, 143);
    }
  }

  @Test
  void configErrorsExitWithStatusOneAndPointAtTheSource(@TempDir Path dir) throws Exception {
    Path config = dir.resolve("bad.capnp");
    Files.writeString(config, "using Workerd = import \"/workerd/workerd.capnp\";\n"
        + "const config :Workerd.Config = (services = [(name = \"main\", worker = .nope)]);\n");
    var process = new ProcessBuilder(ServedRunner.ROOT.resolve("bin/runner").toString(), "serve", config.toString())
        .redirectErrorStream(true);
    process.environment().put("CAPMESH_NO_BUILD", "1");
    Process p = process.start();
    String output = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor()).isEqualTo(1);
    assertThat(output).contains("bad.capnp:2:").contains("'nope' is not defined");
  }

  private static void awaitBody(ServedRunner runner, String expected) throws Exception {
    long deadline = System.nanoTime() + 60_000_000_000L;
    String last = null;
    while (System.nanoTime() < deadline) {
      last = runner.get("http", "/").body();
      if (last.equals(expected)) {
        return;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("still answering " + last + " instead of " + expected + "\n" + runner.output());
  }

  private static void awaitOutput(ServedRunner runner, String text) throws Exception {
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (System.nanoTime() < deadline) {
      if (Files.readString(runner.stderr).contains(text) || Files.readString(runner.stdout).contains(text)) {
        return;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("no '" + text + "' in the output\n" + runner.output());
  }
}
