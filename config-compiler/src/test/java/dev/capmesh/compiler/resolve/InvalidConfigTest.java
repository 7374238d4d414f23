package dev.capmesh.compiler.resolve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.capmesh.compiler.ConfigCompiler;
import dev.capmesh.compiler.ConfigException;
import dev.capmesh.compiler.ExpectedErrors;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Model and resolver errors: each {@code invalid/NAME.capnp} parses and evaluates, and must fail
 * {@link ConfigCompiler#compile} with exactly the diagnostics in {@code NAME.errors}
 * ({@code NAME.capnp:line:col: error: message}, then {@code hint:} lines), all in one run.
 */
class InvalidConfigTest {
  private static final ConfigCompiler COMPILER = ConfigCompiler.create();

  static Stream<Path> cases() throws IOException, URISyntaxException {
    Path dir = Path.of(InvalidConfigTest.class.getResource("/invalid").toURI());
    return Files.list(dir).filter(p -> p.toString().endsWith(".capnp")).sorted();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void reportsEveryProblemWithItsPosition(Path file) throws Exception {
    String expected = Files.readString(Path.of(file.toString().replace(".capnp", ".errors")));
    COMPILER.parse(file, null); // must get past the parser and evaluator
    ConfigException e = catchThrowableOfType(ConfigException.class, () -> COMPILER.compile(file, null));
    assertThat(e).as("%s must not compile", file.getFileName()).isNotNull();
    assertThat(ExpectedErrors.render(file, e.diagnostics())).isEqualTo(expected);
  }

}
