package dev.capmesh.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.capmesh.compiler.ConfigCompiler;
import dev.capmesh.compiler.ParsedConfig;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The benchmark's generated config stays a valid config as the compiler grows (no timing here). */
class GeneratedConfigTest {
  private static final Path GENERATOR = Path.of("..", "bench", "compiler", "gen-config.py");

  @Test
  void smallGeneratedConfigCompiles(@TempDir Path dir) throws Exception {
    assertThat(GENERATOR).as("generator, seen from " + Path.of("").toAbsolutePath()).isRegularFile();
    Path config = dir.resolve("config.capnp");
    Process python;
    try {
      python = new ProcessBuilder("python3", GENERATOR.toString(), "-n", "40", "-o", config.toString())
          .redirectErrorStream(true)
          .start();
    } catch (java.io.IOException e) {
      throw new AssertionError("python3 is needed to generate the benchmark config", e);
    }
    assertThat(python.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(python.exitValue()).as(new String(python.getInputStream().readAllBytes())).isZero();

    var compiler = ConfigCompiler.create();
    ParsedConfig parsed = compiler.parse(config, null);

    assertThat(parsed.constName()).isEqualTo("config");
    assertThat(parsed.consts()).containsKeys("baseWorker0", "baseWorker3");
    assertThat(compiler.encode(parsed)).isNotEmpty();
  }
}
