package dev.capmesh.samples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher's startup cache (docs/RUNNER.md, "Startup cache"): {@code bin/runner
 * train-startup-cache} links a runtime and records the JDK's ahead-of-time cache; {@code serve}
 * opens it; a corrupt cache or one older than the build never stops a start.
 */
class StartupCacheTest {
  private static final Path HELLO = ServedRunner.ROOT.resolve("samples/hello-world/config.capnp");

  @Test
  void recordedOnceUsedLaterAndNeverInTheWay(@TempDir Path dir) throws Exception {
    // The launcher prefers JAVA_HOME, which is the JDK running this build.
    assumeTrue(Runtime.version().feature() >= 25, "the JDK's ahead-of-time cache needs JDK 25");
    var train = new ProcessBuilder(ServedRunner.ROOT.resolve("bin/runner").toString(),
        "train-startup-cache", "--seconds", "3").redirectErrorStream(true);
    train.environment().putAll(Map.of("CAPMESH_NO_BUILD", "1", "CAPMESH_CACHE_DIR", dir.toString()));
    Process p = train.start();
    String output = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(5, TimeUnit.MINUTES)).as(output).isTrue();
    assertThat(p.exitValue()).as(output).isZero();
    assertThat(output).contains("startup cache ready");
    Path cache = dir.resolve("startup.aot");
    assertThat(dir.resolve("jre/bin/java")).isExecutable();
    assertThat(Files.size(cache)).isGreaterThan(10L << 20);
    assertThat(Files.readString(dir.resolve("startup.aot.log"))).contains("startup-cache workload sent");

    var env = Map.of("CAPMESH_CACHE_DIR", dir.toString(), "CAPMESH_JAVA_OPTS", "-Xlog:aot=info");
    try (var runner = ServedRunner.serve(HELLO, List.of("http"), env)) {
      assertThat(runner.get("http", "/").statusCode()).isEqualTo(200);
      assertThat(Files.readString(runner.stdout)).contains("Opened AOT cache " + cache);
      assertThat(Files.readString(runner.stderr)).doesNotContain("without the optimizing compiler");
    }

    // The launcher's command, printed instead of run: the cache is in it, and nothing starts.
    var print = new ProcessBuilder(ServedRunner.ROOT.resolve("bin/runner").toString(), "serve", HELLO.toString());
    print.environment().putAll(Map.of("CAPMESH_NO_BUILD", "1", "CAPMESH_CACHE_DIR", dir.toString(),
        "CAPMESH_PRINT_COMMAND", "1"));
    Process printed = print.redirectErrorStream(true).start();
    List<String> command = new String(printed.getInputStream().readAllBytes()).lines().toList();
    assertThat(printed.waitFor(1, TimeUnit.MINUTES)).isTrue();
    assertThat(printed.exitValue()).as(String.join("\n", command)).isZero();
    assertThat(command.get(0)).isEqualTo(dir.resolve("jre/bin/java").toString());
    assertThat(command).contains("-XX:AOTCache=" + cache)
        .endsWith("dev.capmesh.runner.cli.RunnerMain", "serve", HELLO.toString());

    // The linked runtime leaves the flight recorder out (Truffle would set up its events at every
    // start); a start that asks for a recording runs on the JDK itself, where there is one.
    Process modules = new ProcessBuilder(dir.resolve("jre/bin/java").toString(), "--list-modules")
        .redirectErrorStream(true).start();
    String linked = new String(modules.getInputStream().readAllBytes());
    assertThat(modules.waitFor(1, TimeUnit.MINUTES)).isTrue();
    assertThat(linked).contains("java.base@", "jdk.management@").doesNotContain("jdk.jfr");
    print.environment().put("CAPMESH_JAVA_OPTS", "-XX:StartFlightRecording:filename=" + dir.resolve("r.jfr"));
    Process recording = print.start();
    List<String> withJfr = new String(recording.getInputStream().readAllBytes()).lines().toList();
    assertThat(recording.waitFor(1, TimeUnit.MINUTES)).isTrue();
    assertThat(withJfr.get(0)).as(String.join("\n", withJfr)).doesNotStartWith(dir.toString());
    assertThat(withJfr).noneMatch(a -> a.startsWith("-XX:AOTCache"))
        .contains("-XX:StartFlightRecording:filename=" + dir.resolve("r.jfr"));

    // Garbage where the cache was: HotSpot says so and starts without it.
    byte[] garbage = new byte[1 << 16];
    new Random(7).nextBytes(garbage);
    Files.write(cache, garbage);
    try (var runner = ServedRunner.serve(HELLO, List.of("http"), env)) {
      assertThat(runner.get("http", "/").statusCode()).isEqualTo(200);
      assertThat(Files.readString(runner.stdout)).contains("bad magic number");
    }

    // Older than the jars: the launcher does not hand it to the JVM, and with
    // CAPMESH_NO_BUILD=1 it does not record a new one either.
    FileTime old = FileTime.from(Instant.parse("2001-01-01T00:00:00Z"));
    Files.setLastModifiedTime(cache, old);
    try (var runner = ServedRunner.serve(HELLO, List.of("http"), env)) {
      assertThat(runner.get("http", "/").statusCode()).isEqualTo(200);
      assertThat(Files.readString(runner.stdout)).doesNotContain("trying to map " + cache);
      assertThat(Files.readString(runner.stderr)).doesNotContain("recording the startup cache");
    }
    assertThat(Files.getLastModifiedTime(cache)).isEqualTo(old);
    assertThat(dir.resolve("startup.aot.lock")).doesNotExist();
  }

  @Test
  void offMeansTheUsualStart(@TempDir Path dir) throws Exception {
    var env = Map.of("CAPMESH_CACHE_DIR", dir.toString(), "CAPMESH_AOT", "off",
        "CAPMESH_JAVA_OPTS", "-Xlog:aot=info");
    try (var runner = ServedRunner.serve(HELLO, List.of("http"), env)) {
      assertThat(runner.get("http", "/").statusCode()).isEqualTo(200);
      assertThat(Files.readString(runner.stdout)).doesNotContain("Opened AOT cache");
      assertThat(Files.readString(runner.stdout)).contains("javascript: GraalJS");
    }
    try (var files = Files.list(dir)) {
      assertThat(files).isEmpty();
    }
  }
}
