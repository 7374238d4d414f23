package dev.capmesh.compiler.support;

import static org.assertj.core.api.Assertions.assertThat;

import dev.capmesh.compiler.CompiledConfig;
import dev.capmesh.compiler.ConfigCompiler;
import dev.capmesh.compiler.Diagnostic;
import dev.capmesh.testing.TestPki;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS settings that compile but that check refuses or warns about, with key pairs the test makes
 * (the golden cases in unsupported/ cover text that is not PEM at all).
 */
class TlsSupportTest {
  private static final TestPki.Issued CA = TestPki.ca("Check CA");
  private static final String H = "using Workerd = import \"/workerd/workerd.capnp\";\n";
  private static final String WORKER = "(modules = [(name = \"w.js\", esModule = \"export default {}\")], "
      + "compatibilityDate = \"2024-09-01\", bindings = [(name = \"API\", service = \"api\")])";
  @TempDir Path dir;

  private CompiledConfig compile(String text) throws Exception {
    Path file = dir.resolve("config.capnp");
    Files.writeString(file, text);
    return ConfigCompiler.create().compile(file, null);
  }

  private void write(String name, String text) throws Exception {
    Files.writeString(dir.resolve(name), text);
  }

  private static String socket(String tlsOptions) {
    return "  sockets = [(name = \"web\", address = \"127.0.0.1:8443\", service = \"main\",\n"
        + "      https = (tlsOptions = " + tlsOptions + "))],\n";
  }

  @Test
  void aKeyOfAnotherCertificateIsAnErrorAtThePrivateKeyNamingTheCertificate() throws Exception {
    var a = TestPki.certificate("a.test").signedBy(CA);
    var b = TestPki.certificate("b.test").signedBy(CA);
    write("a.key", a.privateKeyPem());
    write("b.pem", b.chainPem(CA));
    CompiledConfig compiled = compile(H + "const config :Workerd.Config = (\n"
        + "  services = [(name = \"main\", worker = " + WORKER + "),\n"
        + "    (name = \"api\", external = (address = \"127.0.0.1:9\", https = (tlsOptions = (trustedCertificates = [embed \"b.pem\"]))))],\n"
        + socket("(keypair = (\n      privateKey = embed \"a.key\",\n      certificateChain = embed \"b.pem\"))")
        + ");\n");
    List<Diagnostic> errors = RunnerSupport.check(compiled);
    assertThat(errors).hasSize(1);
    assertThat(errors.get(0).format()).startsWith("config.capnp:7:7: error: Socket \"web\"'s tlsOptions: "
        .replace("config.capnp", dir.resolve("config.capnp").toString())
        + "privateKey does not belong to the first certificate of certificateChain (CN=b.test).");
    assertThat(errors.get(0).format()).doesNotContain(a.privateKeyPem().split("\n")[1]);
    assertThat(RunnerSupport.warnings(compiled)).isEmpty();
  }

  @Test
  void theTraditionalKeyFormsPassCheck() throws Exception {
    var rsa = TestPki.certificate("rsa.test").rsa().signedBy(CA);
    write("rsa.key", rsa.traditionalKeyPem());
    write("rsa.pem", rsa.chainPem(CA));
    write("ca.pem", CA.certificatePem());
    CompiledConfig compiled = compile(H + "const config :Workerd.Config = (\n"
        + "  services = [(name = \"main\", worker = " + WORKER + "),\n"
        + "    (name = \"api\", external = (address = \"127.0.0.1:9\", https = (tlsOptions = (trustedCertificates = [embed \"ca.pem\"]))))],\n"
        + socket("(keypair = (privateKey = embed \"rsa.key\", certificateChain = embed \"rsa.pem\"))")
        + ");\n");
    assertThat(RunnerSupport.check(compiled)).isEmpty();
    assertThat(RunnerSupport.warnings(compiled)).isEmpty();
  }

  @Test
  void trustingNothingAnExpiredCertificateAndOldVersionsAreWarningsThatDoNotStopCheck() throws Exception {
    var old = TestPki.certificate("old.test").validFor(Duration.ofDays(30), Duration.ofDays(-1)).signedBy(CA);
    write("old.key", old.privateKeyPem());
    write("old.pem", old.chainPem(CA));
    CompiledConfig compiled = compile(H + "const config :Workerd.Config = (\n"
        + "  services = [(name = \"main\", worker = " + WORKER + "),\n"
        + "    (name = \"api\", external = (address = \"127.0.0.1:9\", https = ()))],\n"
        + socket("(keypair = (privateKey = embed \"old.key\", certificateChain = embed \"old.pem\"),\n"
            + "      requireClientCerts = true, minVersion = tls1Dot0)")
        + ");\n");
    assertThat(RunnerSupport.check(compiled)).isEmpty();
    List<String> warnings = RunnerSupport.warnings(compiled).stream()
        .map(d -> d.format().replace(dir.toString() + "/", "").lines().findFirst().orElseThrow())
        .toList();
    assertThat(warnings).containsExactly(
        "config.capnp:4:20: warning: Service \"api\" trusts no certificate authority, so every "
            + "connection it makes over TLS fails (as in workerd, trustBrowserCas is false unless set).",
        "config.capnp:6:71: warning: Socket \"web\"'s certificate (CN=old.test) expired on "
            + old.certificate().getNotAfter().toInstant() + "; clients will refuse it.",
        "config.capnp:7:7: warning: Socket \"web\" requires client certificates but trusts no "
            + "certificate authority, so every client is refused.",
        "config.capnp:7:34: warning: Socket \"web\"'s minVersion tls1Dot0 acts as tls1Dot2: this "
            + "runner speaks TLS 1.2 and 1.3 only (the JDK disables older versions).");
    var err = new StringWriter();
    assertThat(CompileReport.compileServable(dir.resolve("config.capnp"), null, new PrintWriter(err, true), "runner"))
        .isNotNull();
    assertThat(err.toString()).contains("warning: Service \"api\" trusts no certificate authority")
        .doesNotContain("error");
  }
}
