package dev.capmesh.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TlsPolicyTest {
  @Test
  void mapsOpenSslNamesToIanaNames() {
    assertThat(TlsPolicy.ianaName("ECDHE-RSA-AES128-GCM-SHA256")).isEqualTo("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
    assertThat(TlsPolicy.ianaName("ECDHE-ECDSA-AES256-GCM-SHA384")).isEqualTo("TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384");
    assertThat(TlsPolicy.ianaName("ECDHE-RSA-CHACHA20-POLY1305")).isEqualTo("TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");
    assertThat(TlsPolicy.ianaName("DHE-RSA-AES256-GCM-SHA384")).isEqualTo("TLS_DHE_RSA_WITH_AES_256_GCM_SHA384");
    assertThat(TlsPolicy.ianaName("EDH-RSA-DES-CBC3-SHA")).isEqualTo("TLS_DHE_RSA_WITH_3DES_EDE_CBC_SHA");
    assertThat(TlsPolicy.ianaName("AES128-SHA")).isEqualTo("TLS_RSA_WITH_AES_128_CBC_SHA");
    assertThat(TlsPolicy.ianaName("ECDHE-ECDSA-AES128-SHA256")).isEqualTo("TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256");
    assertThat(TlsPolicy.ianaName("AES256-CCM8")).isEqualTo("TLS_RSA_WITH_AES_256_CCM_8");
    assertThat(TlsPolicy.ianaName("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256")).isEqualTo("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
  }

  @Test
  void aCipherListGovernsTls12AndLeavesTls13Alone() {
    assertThat(TlsPolicy.cipherSuites("ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-AES128-GCM-SHA256"))
        .containsExactly("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256");
    assertThat(TlsPolicy.cipherSuites(""))
        .contains("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256")
        .doesNotContain("TLS_RSA_WITH_AES_128_CBC_SHA");
  }

  @Test
  void refusesKeywordsUnknownNamesAndListsWithoutTls12Suites() {
    assertThatThrownBy(() -> TlsPolicy.cipherSuites("HIGH:!aNULL"))
        .hasMessage("cipherList: \"HIGH\": OpenSSL cipher keywords and operators are not supported "
            + "(expected: cipher suite names separated by colons)");
    assertThatThrownBy(() -> TlsPolicy.cipherSuites("ECDHE-RSA-AES128-GCM-SHA256:!MD5"))
        .hasMessageStartingWith("cipherList: \"!MD5\": OpenSSL cipher keywords");
    assertThatThrownBy(() -> TlsPolicy.cipherSuites("ECDHE-RSA-RC4-SHA"))
        .hasMessageStartingWith("cipherList: \"ECDHE-RSA-RC4-SHA\" is not a cipher suite name");
    assertThatThrownBy(() -> TlsPolicy.cipherSuites("TLS_FAKE_WITH_NOTHING"))
        .hasMessageStartingWith("cipherList: \"TLS_FAKE_WITH_NOTHING\" is not a cipher suite this runner's TLS library offers");
    assertThatThrownBy(() -> TlsPolicy.cipherSuites("TLS_AES_128_GCM_SHA256"))
        .hasMessageContaining("names no TLS 1.2 cipher suite");
  }

  @Test
  void minVersionBelowTls12ActsAsTls12AndSaysSo() {
    assertThat(TlsPolicy.protocols("goodDefault")).containsExactly("TLSv1.3", "TLSv1.2");
    assertThat(TlsPolicy.protocols("tls1Dot3")).containsExactly("TLSv1.3");
    assertThat(TlsPolicy.protocols("tls1Dot0")).containsExactly("TLSv1.3", "TLSv1.2");
    assertThat(TlsPolicy.versionNote("tls1Dot0")).contains("acts as tls1Dot2");
    assertThat(TlsPolicy.versionNote("tls1Dot2")).isNull();
    assertThatThrownBy(() -> TlsPolicy.protocols("tls9")).hasMessageStartingWith("minVersion: \"tls9\"");
  }
}
