package dev.capmesh.samples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
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
  void accessLogLinesOnlyWithTheFlag() throws Exception {
    Path config = ServedRunner.ROOT.resolve("samples/hello-world/config.capnp");
    try (var quiet = ServedRunner.serve(config, List.of("http"))) {
      String id = quiet.get("http", "/?token=secret").headers().firstValue("x-request-id").orElseThrow();
      quiet.interrupt();
      assertThat(Files.readString(quiet.stderr)).doesNotContain(id);
    }
    try (var logged = ServedRunner.serve(config, List.of("http"), "--access-log")) {
      String id = logged.get("http", "/hello?token=secret").headers().firstValue("x-request-id").orElseThrow();
      logged.interrupt();
      assertThat(Files.readString(logged.stderr))
          .contains("request id=" + id + " method=GET target=/hello?<redacted> status=200")
          .doesNotContain("token=secret");
    }
  }

  @Test
  void heapIsSizedToTheConfigUnlessCapmeshHeapSaysOtherwise(@TempDir Path dir) throws Exception {
    // hello-world declares its one worker as a constant (helloWorker :Workerd.Worker = (...)).
    Path one = ServedRunner.ROOT.resolve("samples/hello-world/config.capnp");
    assertThat(servedHeapMib(one, Map.of())).isBetween(304 - 24, 304);
    // Three workers declared inside their services: 256 + 3 x 48 MiB.
    Path three = dir.resolve("three.capnp");
    var services = new StringBuilder();
    for (String name : List.of("a", "b", "c")) {
      services.append("(name = \"").append(name).append("\", worker = (modules = [(name = \"w.js\", ")
          .append("esModule = \"export default { fetch() { return new Response('x'); } };\")], ")
          .append("compatibilityDate = \"2024-09-01\")),\n");
    }
    Files.writeString(three, "using Workerd = import \"/workerd/workerd.capnp\";\n"
        + "const config :Workerd.Config = (services = [\n" + services
        + "], sockets = [(name = \"http\", address = \"127.0.0.1:0\", http = (), service = \"a\")]);\n");
    assertThat(servedHeapMib(three, Map.of())).isBetween(400 - 24, 400);
    assertThat(servedHeapMib(one, Map.of("CAPMESH_HEAP", "200m"))).isBetween(200 - 24, 200);
  }

  /** The maximum heap that {@code serve} reports ("heap: up to N MiB"). */
  private static int servedHeapMib(Path config, Map<String, String> environment) throws Exception {
    try (var runner = ServedRunner.serve(config, List.of("http"), environment)) {
      assertThat(runner.get("http", "/").statusCode()).isEqualTo(200);
      var m = java.util.regex.Pattern.compile("heap: up to (\\d+) MiB").matcher(Files.readString(runner.stdout));
      assertThat(m.find()).as("serve reports its heap").isTrue();
      return Integer.parseInt(m.group(1));
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

  @Test
  void workersThatCannotRunAreAllReportedAndServeExitsWithOne(@TempDir Path dir) throws Exception {
    // One worker whose module does not parse, one with a binding kind this runner refuses:
    // both are reported in one run.
    Files.writeString(dir.resolve("broken.js"), "export default {\n  fetch() { return new Response('x') \n");
    Files.writeString(dir.resolve("ok.js"), "export default { fetch() { return new Response('ok'); } };");
    Path config = dir.resolve("config.capnp");
    Files.writeString(config, """
        using Workerd = import "/workerd/workerd.capnp";
        const config :Workerd.Config = (
          services = [
            (name = "broken", worker = (modules = [(name = "broken.js", esModule = embed "broken.js")],
                compatibilityDate = "2024-09-01")),
            (name = "store", worker = (modules = [(name = "ok.js", esModule = embed "ok.js")],
                compatibilityDate = "2024-09-01",
                bindings = [(name = "DB", r2Bucket = "db")])),
            (name = "db", external = (address = "127.0.0.1:9", http = ())),
          ],
          sockets = [(name = "http", address = "127.0.0.1:1", http = (), service = "store")],
        );
        """);
    var process = new ProcessBuilder(ServedRunner.ROOT.resolve("bin/runner").toString(), "serve", config.toString())
        .redirectErrorStream(true);
    process.environment().put("CAPMESH_NO_BUILD", "1");
    Process p = process.start();
    String output = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor()).as(output).isEqualTo(1);
    assertThat(output).contains("runner: worker \"broken\": ").contains("broken.js:")
        .contains("SyntaxError");
    // Reported once, although both the socket and the eager start reach the worker.
    assertThat(output.split("binding \"DB\"", -1)).as(output).hasSize(2);
    assertThat(output).contains("runner: worker \"store\": r2Bucket binding \"DB\" designates external "
        + "service \"db\": the workerd R2 binding protocol is not supported by this runner yet");
    assertThat(output).doesNotContain("Exception").doesNotContain("\tat ");
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
