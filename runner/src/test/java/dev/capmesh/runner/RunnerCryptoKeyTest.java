package dev.capmesh.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A cryptoKey binding written in a config, through the plan, into a worker's env. */
class RunnerCryptoKeyTest {
  @TempDir Path dir;

  private static final String KEY_HEX = "000102030405060708090a0b0c0d0e0f";

  private static final String WORKER = """
      export default { async fetch(req, env) {
        const url = new URL(req.url);
        if (url.pathname === '/export') {
          try { await crypto.subtle.exportKey('raw', env.KEY); return new Response('exported'); }
          catch (e) { return new Response(e.name); }
        }
        const sig = await crypto.subtle.sign('HMAC', env.KEY, new TextEncoder().encode('message'));
        return new Response([...new Uint8Array(sig)].map(b => b.toString(16).padStart(2, '0')).join(''));
      } };
      """;

  private String config(String hex) throws java.io.IOException {
    java.nio.file.Files.writeString(dir.resolve("s.js"), WORKER);
    return """
        using Workerd = import "/workerd/workerd.capnp";
        const config :Workerd.Config = (
          services = [ (name = "signer", worker = (compatibilityDate = "2024-09-01",
            bindings = [ (name = "KEY", cryptoKey = (hex = "HEX",
                algorithm = (json = "{\\"name\\":\\"HMAC\\",\\"hash\\":\\"SHA-256\\"}"), usages = [sign])) ],
            modules = [ (name = "s.js", esModule = embed "s.js") ])) ],
          sockets = [ (name = "http", address = "127.0.0.1:0", http = (), service = "signer") ],
        );
        """.replace("HEX", hex);
  }

  @Test void theWorkerSignsWithTheConfigKeyAndCannotExportIt() throws Exception {
    try (Runner runner = TestRunners.start(dir, TestRunners.compile(dir, config(KEY_HEX)))) {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(HexFormat.of().parseHex(KEY_HEX), "HmacSHA256"));
      String expected = HexFormat.of().formatHex(mac.doFinal("message".getBytes(StandardCharsets.UTF_8)));
      assertThat(TestRunners.get(runner, "http", "/")).isEqualTo("200 " + expected);
      // not extractable (the default for config keys): export is refused
      assertThat(TestRunners.get(runner, "http", "/export")).isEqualTo("200 InvalidAccessError");
    }
  }

  @Test void aKeyThatCannotBeImportedIsRefusedAtStartNamingTheBindingNotTheKey() throws Exception {
    String badHex = "zz" + KEY_HEX;
    assertThatThrownBy(() -> TestRunners.start(dir, TestRunners.compile(dir, config(badHex))).close())
        .isInstanceOf(RunnerException.class)
        .hasMessageContaining("worker \"signer\"'s binding \"KEY\"")
        .hasMessageNotContaining(KEY_HEX);
  }
}
