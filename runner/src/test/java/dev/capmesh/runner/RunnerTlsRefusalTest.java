package dev.capmesh.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.capmesh.testing.TestPki;
import dev.capmesh.schema.model.Config;
import dev.capmesh.schema.model.HttpOptions;
import dev.capmesh.schema.model.Module;
import dev.capmesh.schema.model.Service;
import dev.capmesh.schema.model.ServiceDesignator;
import dev.capmesh.schema.model.ServiceKind;
import dev.capmesh.schema.model.Socket;
import dev.capmesh.schema.model.TlsOptions;
import dev.capmesh.schema.model.Worker;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A plan whose TLS settings the runner cannot use (it may come from a control plane, never seen
 * by check) is refused as a whole, naming the socket or service and what is wrong, never the key;
 * nothing is left listening.
 */
class RunnerTlsRefusalTest {
  @TempDir Path dir;

  @Test void badKeyPairsAndCipherListsAreReportedByNameWithoutTheKey() throws Exception {
    var ca = TestPki.ca("Refusal CA");
    var a = TestPki.certificate("a.test").signedBy(ca);
    var b = TestPki.certificate("b.test").signedBy(ca);
    Worker main = Worker.ofModules(List.of(Module.ofText("w.js", Module.Type.ES_MODULE,
        "export default { fetch() { return new Response('x'); } };")), "2024-09-01", List.of());
    var mismatched = new TlsOptions(Optional.of(new TlsOptions.Keypair(a.privateKeyPem(), b.certificatePem())),
        false, false, List.of(), "goodDefault", Optional.empty());
    var badCiphers = new TlsOptions(Optional.empty(), false, true, List.of(), "goodDefault",
        Optional.of("DEFAULT:!RC4"));
    Config config = Config.of(List.of(
            new Service("main", new ServiceKind.WorkerService(main)),
            new Service("api", new ServiceKind.ExternalService("127.0.0.1:9",
                new ServiceKind.ExternalHttps(HttpOptions.defaults(), Optional.of(badCiphers), Optional.empty())))),
        List.of(new Socket("web", "127.0.0.1:0", new Socket.Https(HttpOptions.defaults(), mismatched),
            ServiceDesignator.of("main"))));
    assertThatThrownBy(() -> Runner.start(TestRunners.plan(config), RunnerOptions.defaults(dir)
            .withSocketAddresses(Map.of("web", "127.0.0.1:0"))).close())
        .isInstanceOfSatisfying(RunnerException.class, e -> {
          assertThat(e.problems()).contains(
              "socket \"web\": privateKey does not belong to the first certificate of certificateChain (CN=b.test)",
              "service \"api\": cipherList: \"DEFAULT\": OpenSSL cipher keywords and operators are not "
                  + "supported (expected: cipher suite names separated by colons)");
          assertThat(String.join("\n", e.problems())).doesNotContain(a.privateKeyPem().split("\n")[1]);
        });
  }
}
