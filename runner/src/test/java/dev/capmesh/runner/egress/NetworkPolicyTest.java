package dev.capmesh.runner.egress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class NetworkPolicyTest {

  private static InetAddress ip(String text) {
    byte[] b = text.contains(":") ? IpAddresses.parseIpv6(text) : IpAddresses.parseDottedQuad(text);
    assertThat(b).as("test address %s", text).isNotNull();
    return IpAddresses.fromBytes(b);
  }

  private static List<String> list(String spaceSeparated) {
    return spaceSeparated.isBlank() ? List.of() : Arrays.asList(spaceSeparated.trim().split(" +"));
  }

  @ParameterizedTest(name = "allow=[{0}] deny=[{1}] {2} -> {3}")
  @CsvSource(delimiter = '|', textBlock = """
      public |  | 8.8.8.8 | true
      public |  | 2606:4700::1 | true
      public |  | 172.32.0.1 | true
      public |  | 100.128.0.1 | true
      public |  | 127.0.0.1 | false
      public |  | 127.255.255.254 | false
      public |  | 0.0.0.0 | false
      public |  | :: | false
      public |  | ::1 | false
      public |  | 10.0.0.1 | false
      public |  | 172.16.0.1 | false
      public |  | 172.31.255.255 | false
      public |  | 192.168.1.1 | false
      public |  | 100.64.0.1 | false
      public |  | 169.254.169.254 | false
      public |  | fe80::1 | false
      public |  | fc00::1 | false
      public |  | fd12:3456::1 | false
      public |  | ::ffff:127.0.0.1 | false
      public |  | ::ffff:10.0.0.1 | false
      public |  | ::127.0.0.1 | false
      public |  | 224.0.0.1 | false
      public |  | 255.255.255.255 | false
      public |  | 240.0.0.1 | false
      public |  | ff02::1 | false
      local |  | 127.0.0.1 | true
      local |  | 127.0.0.2 | true
      local |  | ::1 | true
      local |  | 0.0.0.0 | true
      local |  | ::ffff:127.0.0.1 | true
      local |  | 8.8.8.8 | false
      local |  | 10.0.0.1 | false
      private |  | 10.0.0.1 | true
      private |  | 127.0.0.1 | true
      private |  | fe80::1 | true
      private |  | 8.8.8.8 | false
      network |  | 10.0.0.1 | true
      network |  | 8.8.8.8 | true
      network |  | 127.0.0.1 | false
      network |  | ::1 | false
      public 127.0.0.1/32 |  | 127.0.0.1 | true
      public 127.0.0.1/32 |  | 127.0.0.2 | false
      public local |  | 127.0.0.1 | false
      10.0.0.0/8 | 10.1.0.0/16 | 10.1.2.3 | false
      10.0.0.0/8 | 10.1.0.0/16 | 10.2.0.1 | true
      10.1.0.0/16 | 10.0.0.0/8 | 10.1.2.3 | true
      10.1.0.0/16 | 10.0.0.0/8 | 10.2.0.1 | false
      10.0.0.0/8 | 10.0.0.0/8 | 10.0.0.1 | false
      private | private | 10.0.0.1 | false
      private | private | 127.0.0.1 | true
      public | 8.8.8.0/24 | 8.8.8.8 | false
      public | 8.8.8.0/24 | 8.8.4.4 | true
      local | local | 127.0.0.1 | false
      224.0.0.0/4 |  | 224.0.0.1 | false
      2001:db8::/32 |  | 2001:db8::1 | true
      2001:db8::/32 |  | 2001:db9::1 | false
      unix |  | 127.0.0.1 | false
      """)
  void decides(String allow, String deny, String address, boolean expected) {
    var policy = NetworkPolicy.of(list(allow), list(deny == null ? "" : deny));
    assertThat(policy.check(ip(address)).allowed()).isEqualTo(expected);
  }

  @Test void defaultIsAllowPublic() {
    var policy = NetworkPolicy.defaultPolicy();
    assertThat(policy.allowRules()).containsExactly("public");
    assertThat(policy.check(ip("93.184.216.34")).allowed()).isTrue();
    assertThat(policy.check(ip("192.168.0.1")).allowed()).isFalse();
  }

  @Test void reasonsNameTheRule() {
    var policy = NetworkPolicy.defaultPolicy();
    assertThat(policy.check(ip("10.0.0.1")).reason())
        .isEqualTo("matches deny \"private\" (implied by allow \"public\")");
    assertThat(policy.check(ip("127.0.0.1")).reason())
        .isEqualTo("matches deny \"local\" (implied by allow \"public\")");
    assertThat(policy.check(ip("224.0.0.1")).reason()).contains("reserved range 224.0.0.0/4");
    assertThat(NetworkPolicy.of(List.of("local"), List.of()).check(ip("8.8.8.8")).reason())
        .isEqualTo("matches no allow rule (allow = [\"local\"])");
    assertThat(NetworkPolicy.of(List.of("10.0.0.0/8"), List.of("10.1.0.0/16"))
        .check(ip("10.1.0.1")).reason())
        .isEqualTo("matches deny \"10.1.0.0/16\", at least as specific as allow \"10.0.0.0/8\"");
  }

  @ParameterizedTest
  @ValueSource(strings = {"public", "network"})
  void cannotDenyTheOpenKeywords(String keyword) {
    assertThatThrownBy(() -> NetworkPolicy.of(List.of("public"), List.of(keyword)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(keyword);
  }

  @ParameterizedTest
  @ValueSource(strings = {"bogus", "10.0.0.0", "10.0.0.0/33", "::/129", "1.2.3/8", "10.0.0.0/x", "/8"})
  void rejectsMalformedRules(String rule) {
    assertThatThrownBy(() -> NetworkPolicy.of(List.of(rule), List.of()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(rule);
  }

  @ParameterizedTest(name = "allow=[{0}] deny=[{1}] allows something: {2}")
  @CsvSource(delimiter = '|', textBlock = """
      |  | false
      unix unix-abstract |  | false
      10.0.0.0/8 | 10.0.0.0/8 | false
      10.0.0.0/8 | 10.0.0.0/8 10.0.0.0/7 | false
      local | local | false
      private | private local | false
      224.0.0.0/4 |  | false
      255.255.255.255/32 |  | false
      127.0.0.0/8 | 127.0.0.0/9 127.128.0.0/9 | false
      127.0.0.0/8 ::1/128 | 127.0.0.0/10 127.64.0.0/10 127.128.0.0/9 ::1/128 | false
      224.0.0.0/3 |  | false
      ::1/128 | ::/0 | true
      10.0.0.0/8 | 10.0.0.0/7 | true
      ::1/128 | ::1/128 | false
      public |  | true
      network |  | true
      local |  | true
      10.0.0.0/8 | 10.0.0.0/9 | true
      127.0.0.0/8 | 127.0.0.0/9 127.128.0.0/10 | true
      127.0.0.1/32 | 127.0.0.0/8 | true
      10.1.0.0/16 | 10.0.0.0/8 | true
      ::/0 | 0.0.0.0/0 | true
      192.0.0.0/23 |  | true
      """)
  void allowsSomeAddressOnlyWhenSomeAddressPasses(String allow, String deny, boolean expected) {
    var policy = NetworkPolicy.of(list(allow == null ? "" : allow), list(deny == null ? "" : deny));
    assertThat(policy.allowsSomeAddress()).isEqualTo(expected);
  }
}
