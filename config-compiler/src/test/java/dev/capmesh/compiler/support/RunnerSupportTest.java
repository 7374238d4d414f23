package dev.capmesh.compiler.support;

import static org.assertj.core.api.Assertions.assertThat;

import dev.capmesh.compiler.CompiledConfig;
import dev.capmesh.compiler.ConfigCompiler;
import dev.capmesh.compiler.Diagnostic;
import dev.capmesh.compiler.ExpectedErrors;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each {@code unsupported/NAME.capnp} compiles (it is a valid workerd config) and
 * {@link RunnerSupport} reports exactly the diagnostics of {@code NAME.errors}, written by hand in
 * scripts/make-unsupported.py; an empty file means the runner serves it all.
 */
class RunnerSupportTest {
  private static final ConfigCompiler COMPILER = ConfigCompiler.create();

  static Stream<Path> cases() throws IOException, URISyntaxException {
    Path dir = Path.of(RunnerSupportTest.class.getResource("/unsupported").toURI());
    return Files.list(dir).filter(p -> p.toString().endsWith(".capnp")).sorted();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void reportsWhatTheRunnerCannotServeWhereItIsWritten(Path file) throws Exception {
    String expected = Files.readString(Path.of(file.toString().replace(".capnp", ".errors")));
    CompiledConfig compiled = COMPILER.compile(file, null);
    assertThat(compiled.binary()).isNotEmpty();
    List<Diagnostic> found = RunnerSupport.check(compiled);
    assertThat(found).allMatch(d -> d.severity() == Diagnostic.Severity.ERROR);
    assertThat(found.isEmpty() ? "" : ExpectedErrors.render(file, found)).isEqualTo(expected);
  }

  @Test
  void theSameListWithoutPositionsNamesWhatItRefuses() throws Exception {
    Path file = Path.of(RunnerSupportTest.class.getResource("/unsupported/bindings.capnp").toURI());
    CompiledConfig compiled = COMPILER.compile(file, null);
    assertThat(RunnerSupport.find(compiled.config())).extracting(RunnerSupport.Unsupported::message)
        .containsExactly(
            "Worker \"main\"'s r2Bucket binding \"R2\" designates worker \"kvMock\": the workerd R2 binding "
                + "protocol is not supported by this runner yet.",
            "Worker \"main\"'s binding \"Q\" is a queue binding, which this runner does not support yet.",
            "Worker \"main\"'s binding \"W\" is a wasmModule binding, which this runner does not support yet.");
  }
}
