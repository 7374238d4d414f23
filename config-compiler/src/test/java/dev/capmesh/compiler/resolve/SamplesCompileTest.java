package dev.capmesh.compiler.resolve;

import static org.assertj.core.api.Assertions.assertThat;

import dev.capmesh.compiler.CompiledConfig;
import dev.capmesh.compiler.ConfigCompiler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every sample config of the repository compiles through the resolver without errors. */
class SamplesCompileTest {
  static Stream<Path> samples() throws IOException {
    Path dir = Path.of("../samples").toAbsolutePath().normalize();
    return Files.list(dir).map(d -> d.resolve("config.capnp")).filter(Files::exists).sorted();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("samples")
  void compiles(Path file) throws Exception {
    CompiledConfig compiled = ConfigCompiler.create().compile(file, null);
    assertThat(compiled.config().services()).isNotEmpty();
    assertThat(compiled.binary()).isNotEmpty();
  }
}
