package dev.capmesh.compiler;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * For every config in the corpus, our binary decoded by the reference {@code capnp} tool equals
 * what the reference encoder's binary decodes to ({@code expected.txt}, produced by
 * scripts/regen-conformance.sh from workerd or {@code capnp eval}).
 */
class ConformanceTest {
  private static final ConfigCompiler COMPILER = ConfigCompiler.create();

  static Stream<Path> corpus() throws IOException, URISyntaxException {
    Path root = Path.of(ConformanceTest.class.getResource("/conformance").toURI()).getParent();
    return Stream.of("conformance", "conformance-capmesh")
        .flatMap(dir -> {
          try {
            return Files.list(root.resolve(dir)).filter(Files::isDirectory).sorted();
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        });
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("corpus")
  void decodesLikeTheReference(Path dir) throws Exception {
    Path constFile = dir.resolve("const.txt");
    String constName = Files.exists(constFile) ? Files.readString(constFile).strip() : null;
    ParsedConfig parsed = COMPILER.parse(dir.resolve("config.capnp"), constName);
    byte[] binary = COMPILER.encode(parsed);
    String expected = Files.readString(dir.resolve("expected.txt"), StandardCharsets.UTF_8);
    assertThat(CapnpTool.decode(binary)).isEqualTo(expected);
  }
}
