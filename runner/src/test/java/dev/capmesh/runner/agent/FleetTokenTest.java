package dev.capmesh.runner.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FleetTokenTest {
  @TempDir Path dir;

  @Test
  void tokenFileMayEndWithANewline() throws IOException {
    Path f = Files.writeString(dir.resolve("token"), "s3cret-token\n");
    FleetToken token = FleetToken.fromFile(f);
    assertThat(token.authorization()).isEqualTo("Bearer s3cret-token");
    assertThat(token.toString()).doesNotContain("s3cret");
    assertThat(token.redact("x s3cret-token y")).isEqualTo("x [REDACTED] y");
  }

  @Test
  void unusableTokensAreRefusedWithoutShowingThem() throws IOException {
    Path empty = Files.writeString(dir.resolve("empty"), "\n");
    assertThatThrownBy(() -> FleetToken.fromFile(empty)).hasMessageContaining("is empty");
    Path twoWords = Files.writeString(dir.resolve("two"), "hunter2 hunter3");
    assertThatThrownBy(() -> FleetToken.fromFile(twoWords))
        .hasMessageContaining("printable ASCII").hasMessageNotContaining("hunter");
    assertThatThrownBy(() -> FleetToken.fromFile(dir.resolve("missing")))
        .hasMessageContaining("does not exist");
    assertThatThrownBy(() -> FleetToken.fromEnvironment("a\u0000b"))
        .hasMessageContaining(FleetToken.ENVIRONMENT_VARIABLE);
  }
}
