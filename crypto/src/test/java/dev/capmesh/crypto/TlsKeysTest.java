package dev.capmesh.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import dev.capmesh.testing.TestPki;
import org.junit.jupiter.api.Test;

class TlsKeysTest {
  private static final TestPki.Issued CA = TestPki.ca("Test CA");

  @Test
  void acceptsPkcs8AndTheTraditionalRsaAndEcForms() {
    var ec = TestPki.certificate("ec.test").dns("ec.test").signedBy(CA);
    var rsa = TestPki.certificate("rsa.test").rsa().signedBy(CA);
    for (var issued : new TestPki.Issued[] {ec, rsa}) {
      for (String key : new String[] {issued.privateKeyPem(), issued.traditionalKeyPem()}) {
        var pair = TlsKeys.keyPair(key, issued.chainPem(CA));
        assertThat(pair.chain()).hasSize(2);
        assertThat(pair.privateKey().getAlgorithm()).isEqualTo(issued.privateKey().getAlgorithm());
        assertThat(TlsKeys.matches(pair.privateKey(), issued.certificate().getPublicKey())).isTrue();
      }
    }
    assertThat(rsa.traditionalKeyPem()).startsWith("-----BEGIN RSA PRIVATE KEY-----");
    assertThat(ec.traditionalKeyPem()).startsWith("-----BEGIN EC PRIVATE KEY-----");
  }

  @Test
  void refusesAKeyOfAnotherCertificateNamingTheCertificateNotTheKey() {
    var a = TestPki.certificate("a.test").signedBy(CA);
    var b = TestPki.certificate("b.test").signedBy(CA);
    String problem = TlsKeys.keyPairProblem(a.privateKeyPem(), b.certificatePem());
    assertThat(problem).isEqualTo("privateKey does not belong to the first certificate of "
        + "certificateChain (CN=b.test)");
    String keyBody = a.privateKeyPem().split("\n")[1];
    assertThat(problem).doesNotContain(keyBody);
    // RSA against EC, EC against RSA
    var r = TestPki.certificate("r.test").rsa().signedBy(CA);
    assertThat(TlsKeys.keyPairProblem(r.privateKeyPem(), a.certificatePem())).contains("does not belong");
    assertThat(TlsKeys.keyPairProblem(a.privateKeyPem(), r.certificatePem())).contains("does not belong");
  }

  @Test
  void refusesMalformedPemWithoutEchoingIt() {
    var a = TestPki.certificate("a.test").signedBy(CA);
    assertThat(TlsKeys.keyPairProblem("hunter2 not a key", a.certificatePem()))
        .isEqualTo("privateKey: not PEM (expected: -----BEGIN ...----- lines)");
    assertThat(TlsKeys.keyPairProblem(
        "-----BEGIN PRIVATE KEY-----\n%%%secret%%%\n-----END PRIVATE KEY-----\n", a.certificatePem()))
        .isEqualTo("privateKey: malformed PEM (the \"PRIVATE KEY\" block is not valid base64)");
    assertThat(TlsKeys.keyPairProblem(
        "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", a.certificatePem()))
        .startsWith("privateKey: not a valid private key");
    assertThat(TlsKeys.keyPairProblem("-----BEGIN PRIVATE KEY-----\nAAAA\n", a.certificatePem()))
        .isEqualTo("privateKey: malformed PEM (no \"-----END PRIVATE KEY-----\")");
    assertThat(TlsKeys.keyPairProblem(a.privateKeyPem(), "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"))
        .isEqualTo("certificateChain: certificate 1 is not a valid X.509 certificate");
    assertThat(TlsKeys.keyPairProblem(a.privateKeyPem(), a.privateKeyPem()))
        .startsWith("certificateChain: no PEM certificate");
    assertThat(TlsKeys.keyPairProblem(a.privateKeyPem() + a.privateKeyPem(), a.certificatePem()))
        .startsWith("privateKey: 2 PEM private key blocks");
  }

  @Test
  void refusesEncryptedAndDsaKeysByName() {
    var a = TestPki.certificate("a.test").signedBy(CA);
    assertThat(TlsKeys.keyPairProblem(
        "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n", a.certificatePem()))
        .startsWith("privateKey: the key is encrypted");
    assertThat(TlsKeys.keyPairProblem("-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\n"
        + "DEK-Info: AES-128-CBC,00\n\nAAAA\n-----END RSA PRIVATE KEY-----\n", a.certificatePem()))
        .startsWith("privateKey: the key is encrypted");
    assertThat(TlsKeys.keyPairProblem(
        "-----BEGIN DSA PRIVATE KEY-----\nAAAA\n-----END DSA PRIVATE KEY-----\n", a.certificatePem()))
        .startsWith("privateKey: DSA keys are not supported");
  }

  @Test
  void readsEveryCertificateOfAChainInOrder() {
    var leaf = TestPki.certificate("leaf.test").validFor(Duration.ofDays(1), Duration.ofDays(2)).signedBy(CA);
    var certs = TlsKeys.certificates("junk before\n" + leaf.chainPem(CA) + "junk after", "trustedCertificates[0]");
    assertThat(certs).extracting(c -> c.getSubjectX500Principal().getName())
        .containsExactly("CN=leaf.test", "CN=Test CA");
    assertThatThrownBy(() -> TlsKeys.certificates("", "trustedCertificates[1]"))
        .hasMessage("trustedCertificates[1]: not PEM (expected: -----BEGIN ...----- lines)");
  }
}
