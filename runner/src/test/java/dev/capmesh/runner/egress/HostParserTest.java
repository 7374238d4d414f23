package dev.capmesh.runner.egress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class HostParserTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
      "2130706433, 127.0.0.1",
      "0177.0.0.1, 127.0.0.1",
      "0x7f.1, 127.0.0.1",
      "0x7f000001, 127.0.0.1",
      "0X7F.0.0.1, 127.0.0.1",
      "127.1, 127.0.0.1",
      "127.0.1, 127.0.0.1",
      "127.0.0.1., 127.0.0.1",
      "%31%32%37.0.0.1, 127.0.0.1",
      "0, 0.0.0.0",
      "10.0.0.1, 10.0.0.1",
      "0xa9.0xfe.0xa9.0xfe, 169.254.169.254",
      "[::1], 0:0:0:0:0:0:0:1",
      "[::ffff:127.0.0.1], 127.0.0.1",
      "[::FFFF:7f00:1], 127.0.0.1",
      "[fe80::1], fe80:0:0:0:0:0:0:1",
  })
  void parsesAddressSpellings(String input, String expected) {
    var host = HostParser.parse(input);
    assertThat(host).isInstanceOf(HostParser.Ip.class);
    assertThat(IpAddresses.toText(((HostParser.Ip) host).address())).isEqualTo(expected);
  }

  @Test void namesAreLowerCasedAndKeepTheirTrailingDot() {
    var host = (HostParser.Name) HostParser.parse("LocalHost.");
    assertThat(host.name()).isEqualTo("localhost.");
    assertThat(host.lookupName()).isEqualTo("localhost");
    assertThat(host.isLocalhost()).isTrue();
    assertThat(((HostParser.Name) HostParser.parse("api.localhost")).isLocalhost()).isTrue();
    assertThat(((HostParser.Name) HostParser.parse("Example.COM")).isLocalhost()).isFalse();
    assertThat(((HostParser.Name) HostParser.parse("bücher.example")).name())
        .isEqualTo("xn--bcher-kva.example");
  }

  @ParameterizedTest
  @ValueSource(strings = {"1.2.3.4.5", "256.0.0.1", "0x100000000", "4294967296", "foo.0x", "1..2",
      "[::1", "[1:2:3:4:5:6:7:8:9]", "[::1::2]", "a b", "evil/host", "", "09.1"})
  void rejectsInvalidHosts(String input) {
    assertThatThrownBy(() -> HostParser.parse(input)).isInstanceOf(IllegalArgumentException.class);
  }
}
