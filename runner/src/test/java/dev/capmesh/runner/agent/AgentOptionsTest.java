package dev.capmesh.runner.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class AgentOptionsTest {
  @Test
  void addressesParse() {
    AgentOptions v4 = AgentOptions.of("127.0.0.1:7400", "web", "r1");
    assertThat(v4.host()).isEqualTo("127.0.0.1");
    assertThat(v4.port()).isEqualTo(7400);
    AgentOptions v6 = AgentOptions.of("[::1]:7400", "web", "r1");
    assertThat(v6.host()).isEqualTo("::1");
    assertThat(v6.address()).isEqualTo("[::1]:7400");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "host", "host:", ":80", "host:0", "host:65536", "::1:80", "host:http"})
  void badAddressesAreRefused(String address) {
    assertThatThrownBy(() -> AgentOptions.of(address, "web", "r1"))
        .hasMessageContaining("control plane address: \"" + address + "\"")
        .hasMessageContaining("expected: HOST:PORT");
  }

  @Test
  void badFleetAndDurationsAreRefused() {
    assertThatThrownBy(() -> AgentOptions.of("h:1", "../x", "r1")).hasMessageContaining("fleet: \"../x\"");
    assertThatThrownBy(() -> AgentOptions.of("h:1", "web", "r1").withBackoff(Duration.ofSeconds(5), Duration.ofSeconds(1)))
        .hasMessageContaining("maxBackoff");
    assertThatThrownBy(() -> AgentOptions.of("h:1", "web", "r1").withHeartbeatInterval(Duration.ZERO))
        .hasMessageContaining("heartbeatInterval: PT0S (expected: > 0)");
  }
}
