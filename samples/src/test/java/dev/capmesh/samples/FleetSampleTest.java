package dev.capmesh.samples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * samples/fleet as its README runs it: a real control plane and two real runner agents (each
 * its own process, started through bin/), pushes, a diff, a rollback, and the agents serving on
 * without the control plane.
 */
class FleetSampleTest {
  private static final Path FLEET = ServedRunner.ROOT.resolve("samples/fleet");
  private static final HttpClient CLIENT = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(5)).build();

  @TempDir Path dir;
  private final List<Process> processes = new ArrayList<>();

  @AfterEach void stop() throws Exception {
    for (Process p : processes) {
      p.destroy();
    }
    for (Process p : processes) {
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
    }
  }

  private Process start(String name, String... command) throws IOException {
    var builder = new ProcessBuilder(command).directory(ServedRunner.ROOT.toFile())
        .redirectErrorStream(true).redirectOutput(dir.resolve(name + ".log").toFile());
    builder.environment().put("CAPMESH_NO_BUILD", "1"); // the reactor has built both
    Process p = builder.start();
    processes.add(p);
    return p;
  }

  /** Runs a CLI command to its end; its exit status and output. */
  private record Result(int status, String output) {}

  private Result run(String... command) throws Exception {
    var builder = new ProcessBuilder(command).directory(ServedRunner.ROOT.toFile()).redirectErrorStream(true);
    builder.environment().put("CAPMESH_NO_BUILD", "1");
    Process p = builder.start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).as(String.join(" ", command)).isTrue();
    return new Result(p.exitValue(), out);
  }

  private String logs() throws IOException {
    var out = new StringBuilder();
    try (var files = Files.list(dir)) {
      for (Path f : files.filter(f -> f.toString().endsWith(".log")).sorted().toList()) {
        out.append("--- ").append(f.getFileName()).append('\n').append(Files.readString(f));
      }
    }
    return out.toString();
  }

  private static String body(int port) {
    try {
      HttpResponse<String> r = CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
          .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
      return r.statusCode() + " " + r.body();
    } catch (IOException e) {
      return "unreachable: " + e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }

  private void await(String what, java.util.function.BooleanSupplier condition) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("waiting for " + what + "\n" + logs()).isLessThan(deadline);
      Thread.sleep(100);
    }
  }

  private static boolean listening(int port) {
    try (var s = new Socket("127.0.0.1", port)) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private void awaitBoth(int a1, int a2, Predicate<String> expected, String what) throws Exception {
    await(what, () -> expected.test(body(a1)) && expected.test(body(a2)));
  }

  @Test void theReadmeFlowWorksAndAgentsOutliveTheControlPlane() throws Exception {
    String token = HexFormat.of().formatHex(java.security.SecureRandom.getSeed(16));
    Path tokens = Files.writeString(dir.resolve("tokens"), "demo=" + token + "\n");
    Path tokenFile = Files.writeString(dir.resolve("demo.token"), token + "\n");
    int cp = ServedRunner.freePort();
    int port1 = ServedRunner.freePort();
    int port2 = ServedRunner.freePort();
    String server = "127.0.0.1:" + cp;
    String cpBin = ServedRunner.ROOT.resolve("bin/control-plane").toString();
    String runnerBin = ServedRunner.ROOT.resolve("bin/runner").toString();
    Process controlPlane = start("cp", cpBin, "serve", "--data", dir.resolve("cp").toString(),
        "--listen", server, "--tokens", tokens.toString());
    String[] agent1 = {runnerBin, "agent", "--control-plane", server, "--fleet", "demo",
        "--data", dir.resolve("a1").toString(), "--token-file", tokenFile.toString(),
        "--socket-addr", "http=127.0.0.1:" + port1};
    Process a1 = start("a1", agent1);
    start("a2", runnerBin, "agent", "--control-plane", server, "--fleet", "demo",
        "--data", dir.resolve("a2").toString(), "--token-file", tokenFile.toString(),
        "--socket-addr", "http=127.0.0.1:" + port2);
    await("the control plane to listen", () -> listening(cp));

    Result push1 = run(cpBin, "push", FLEET.resolve("config.capnp").toString(), "--fleet", "demo",
        "--server", server);
    // Both agents may not have subscribed before the push: a push with fewer runners completes
    // too, and late runners get the fleet's version when they connect.
    assertThat(push1.status()).as(push1.output() + logs()).isZero();
    awaitBoth(port1, port2, b -> b.equals("200 front: hello from greeter v1\n"), "v1 on both agents");

    Result diff = run(cpBin, "diff", FLEET.resolve("config.capnp").toString(),
        FLEET.resolve("config-v2.capnp").toString());
    assertThat(diff.status()).as(diff.output()).isEqualTo(1);
    assertThat(diff.output()).contains("worker \"greeter\" gains: text REGION");

    Result push2 = run(cpBin, "push", FLEET.resolve("config-v2.capnp").toString(), "--fleet", "demo",
        "--server", server);
    assertThat(push2.status()).as(push2.output() + logs()).isZero();
    assertThat(push2.output()).contains("completed");
    assertThat(body(port1)).isEqualTo("200 front: hello from greeter v2 (eu-west)\n");
    assertThat(body(port2)).isEqualTo("200 front: hello from greeter v2 (eu-west)\n");

    Result status = run(cpBin, "status", "--fleet", "demo", "--server", server);
    assertThat(status.status()).as(status.output()).isZero();
    assertThat(status.output().lines().filter(l -> l.contains("runner ") && l.contains("online")))
        .as(status.output()).hasSize(2);

    Result rollback = run(cpBin, "rollback", "--fleet", "demo", "--server", server);
    assertThat(rollback.status()).as(rollback.output() + logs()).isZero();
    awaitBoth(port1, port2, b -> b.equals("200 front: hello from greeter v1\n"), "v1 again after rollback");

    // Without the control plane the agents keep serving; a restarted agent serves its
    // persisted plan before the control plane is back.
    controlPlane.destroy();
    assertThat(controlPlane.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(body(port2)).isEqualTo("200 front: hello from greeter v1\n");
    a1.destroyForcibly();
    assertThat(a1.waitFor(30, TimeUnit.SECONDS)).isTrue();
    start("a1-restarted", agent1);
    await("the restarted agent to serve its persisted plan",
        () -> body(port1).equals("200 front: hello from greeter v1\n"));
  }
}
