package dev.capmesh.runner.egress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.capmesh.schema.net.NetworkRules;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code bin/runner check} judges network rules with the compiler's {@link NetworkRules}; the
 * runner builds its {@link NetworkPolicy} from the same lists. Whatever check accepts, the
 * policy must accept, and whatever check refuses, the policy must refuse.
 */
class NetworkRulesAgreementTest {
  static final List<String> RULES = List.of("public", "private", "local", "network", "unix",
      "unix-abstract", "10.0.0.0/8", "fc00::/7", "::ffff:10.0.0.1/128", "0.0.0.0/0", "everything",
      "10.0.0.0/99", "::1/129", "10.0.0.0", "Public", "", " 10.0.0.0/8", "10.1.2.3/x",
      "1.2.3.4/-1", "1.2.3.4/0008", "256.0.0.0/8", "1::2::3/64", "fe80::1%eth0/64", "/8");

  @ParameterizedTest(name = "allow {0}")
  @FieldSource("RULES")
  void allowListsAgree(String rule) {
    assertAgree(rule, false);
  }

  @ParameterizedTest(name = "deny {0}")
  @FieldSource("RULES")
  void denyListsAgree(String rule) {
    assertAgree(rule, true);
  }

  @ParameterizedTest
  @ValueSource(strings = {"public", "network"})
  void theOpenKeywordsCannotBeDenied(String keyword) {
    assertThat(NetworkRules.expected(keyword, true)).isNotNull();
    assertThat(NetworkRules.expected(keyword, false)).isNull();
  }

  private static void assertAgree(String rule, boolean deny) {
    String expected = NetworkRules.expected(rule, deny);
    List<String> allow = deny ? List.of("public") : List.of(rule);
    List<String> denied = deny ? List.of(rule) : List.of();
    if (expected == null) {
      assertThat(NetworkPolicy.of(allow, denied)).isNotNull();
    } else {
      assertThatThrownBy(() -> NetworkPolicy.of(allow, denied))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("\"" + rule + "\"");
    }
  }
}
