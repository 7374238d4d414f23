package dev.capmesh.compiler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Syntax and evaluation errors: each {@code invalid-syntax/NAME.capnp} must fail with exactly the
 * diagnostics (position, message, hint) in {@code NAME.errors}, all of them in one run. The
 * expectations are written by hand in scripts/make-invalid-syntax.py.
 */
class InvalidSyntaxTest {
  private static final ConfigCompiler COMPILER = ConfigCompiler.create();

  static Stream<Path> cases() throws IOException, URISyntaxException {
    Path dir = Path.of(InvalidSyntaxTest.class.getResource("/invalid-syntax").toURI());
    return Files.list(dir).filter(p -> p.toString().endsWith(".capnp")).sorted();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void reportsEveryProblemWithItsPosition(Path file) throws IOException {
    String expected = Files.readString(Path.of(file.toString().replace(".capnp", ".errors")));
    ConfigException e = catchThrowableOfType(ConfigException.class,
        () -> COMPILER.parse(file, null));
    assertThat(e).as("%s must not compile", file.getFileName()).isNotNull();
    assertThat(ExpectedErrors.render(file, e.diagnostics())).isEqualTo(expected);
  }
}
