package dev.capmesh.runner.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.capmesh.compiler.ConfigCompiler;
import dev.capmesh.compiler.plan.Planner;
import dev.capmesh.runner.Runner;
import dev.capmesh.runner.RunnerOptions;
import dev.capmesh.runner.audit.AuditLog;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code runner capabilities --usage}: a real runner serves real HTTP requests with its audit
 * log on, and the report over that log shows what was used, what never was, and what was tried
 * without a grant.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CapabilitiesUsageTest {
  private static final String MAIN = """
      import { WorkerEntrypoint } from 'cloudflare:workers';
      export default {
        async fetch(req, env) {
          const path = new URL(req.url).pathname;
          if (path === '/work') {
            await env.SESSIONS.put('s1', 'x');
            await env.SESSIONS.get('s1');
            await env.SESSIONS.get('s2');
            const data = new TextEncoder().encode('m');
            await crypto.subtle.sign('HMAC', env.KEY, data);
            return new Response(String(await env.AUTH.check()));
          }
          if (path === '/sneaky') {
            try { await env.NET.fetch('http://127.0.0.1:9/admin?token=x'); } catch (e) {}
            try { await crypto.subtle.encrypt({ name: 'AES-GCM', iv: new Uint8Array(12) }, env.KEY, new Uint8Array(1)); } catch (e) {}
            return new Response('tried');
          }
          return new Response('?', { status: 404 });
        },
      };
      """;
  private static final String AUTH = """
      import { WorkerEntrypoint } from 'cloudflare:workers';
      export default class extends WorkerEntrypoint { check() { return 'ok'; } }
      """;
  private static final String LONER = """
      export default { async fetch() {
        try { await fetch('http://127.0.0.1:9/exfiltrate?d=1'); } catch (e) {}
        return new Response('alone');
      } };
      """;

  private Path dir;
  private Path config;
  private Path auditFile;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private static String capnp(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
  }

  @BeforeAll void serveRequestsWithTheAuditLogOn(@TempDir Path tempDir) throws Exception {
    dir = tempDir;
    config = dir.resolve("config.capnp");
    Files.writeString(config, """
        using Workerd = import "/workerd/workerd.capnp";
        const config :Workerd.Config = (
          services = [
            (name = "main", worker = (modules = [(name = "main.js", esModule = %s)],
                compatibilityDate = "2024-09-01",
                bindings = [
                  (name = "SESSIONS", kvNamespace = "kv"),
                  (name = "LEGACY", kvNamespace = "kv"),
                  (name = "AUTH", service = "auth"),
                  (name = "NET", service = "internet"),
                  (name = "TOKEN", secret = "not-a-capability"),
                  (name = "KEY", cryptoKey = (hex = "000102030405060708090a0b0c0d0e0f",
                      algorithm = (json = "{\\"name\\":\\"HMAC\\",\\"hash\\":\\"SHA-256\\"}"),
                      usages = [sign, verify])),
                ])),
            (name = "auth", worker = (modules = [(name = "auth.js", esModule = %s)],
                compatibilityDate = "2024-09-01")),
            (name = "loner", worker = (modules = [(name = "loner.js", esModule = %s)],
                compatibilityDate = "2024-09-01")),
            (name = "kv", kv = (embedded = (path = "data/kv"))),
            (name = "internet", network = (allow = ["public"])),
          ],
          sockets = [
            (name = "http", address = "127.0.0.1:1", http = (), service = "main"),
            (name = "alone", address = "127.0.0.1:2", http = (), service = "loner"),
          ],
        );
        """.formatted(capnp(MAIN), capnp(AUTH), capnp(LONER)));
    auditFile = dir.resolve("audit.log");
    var compiled = ConfigCompiler.create().compile(config, null);
    try (AuditLog audit = AuditLog.toFile(auditFile).runnerId("test-runner").open()) {
      RunnerOptions options = RunnerOptions.defaults(dir)
          .withSocketAddresses(Map.of("http", "127.0.0.1:0", "alone", "127.0.0.1:0"))
          .withBindingListener(audit);
      try (Runner runner = Runner.start(Planner.plan(compiled.config(), "config.capnp"), options)) {
        audit.redactor(runner::redactSecrets);
        var client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).build();
        for (String[] call : new String[][] {{"http", "/work"}, {"http", "/work"}, {"http", "/sneaky"},
            {"alone", "/"}}) {
          int port = runner.listening().get(call[0]).getPort();
          HttpResponse<String> r = client.send(HttpRequest.newBuilder(
              URI.create("http://127.0.0.1:" + port + call[1])).timeout(Duration.ofSeconds(60)).build(),
              HttpResponse.BodyHandlers.ofString());
          assertThat(r.statusCode()).as(call[1]).isEqualTo(200);
        }
      }
    }
  }

  private int run(String... args) {
    out.getBuffer().setLength(0);
    err.getBuffer().setLength(0);
    return new RunnerMain(new PrintWriter(out), new PrintWriter(err), new ByteArrayOutputStream(), false)
        .run(args);
  }

  @Test void theTextReportShowsUseUnusedGrantsAndAttempts() {
    assertThat(run("capabilities", "--usage", auditFile.toString(), config.toString()))
        .as(err.toString()).isZero();
    String text = out.toString();
    assertThat(text).startsWith("capabilities used, from 1 audit file: 13 uses, ");
    assertThat(text).containsPattern("(?m)^  SESSIONS +kvNamespace -> kv \"kv\" +6 uses: get 4, put 2; last ");
    assertThat(text).containsPattern("(?m)^  LEGACY +kvNamespace -> kv \"kv\" +UNUSED -> candidate to remove$");
    assertThat(text).containsPattern("(?m)^  AUTH +service -> worker \"auth\" +2 uses: rpc 2; last ");
    assertThat(text).containsPattern("(?m)^  KEY +cryptoKey HMAC \\[sign, verify\\] +3 uses: encrypt 1, sign 2, 1 denied; last ");
    assertThat(text).containsPattern("(?m)^ +usages never used: verify -> candidates to remove from usages$");
    assertThat(text).containsPattern("(?m)^  NET +service -> network \"internet\" +1 use: fetch 1, 1 denied; last ");
    assertThat(text).containsPattern("(?m)^ +reached: 127.0.0.1:9 \\(1\\)$");
    assertThat(text).contains("  values (not audited): TOKEN (secret)\n");
    assertThat(text).containsPattern("(?m)^    DENIED NET fetch http://127.0.0.1:9/admin  1x; last ");
    assertThat(text).containsPattern("(?m)^    DENIED KEY encrypt HMAC  1x; last ");
    assertThat(text).contains("worker auth\n  (no capabilities)\n");
    assertThat(text).containsPattern("(?m)^worker loner\n  \\(no capabilities\\)\n  refused or denied attempts");
    assertThat(text).containsPattern("(?m)^    REFUSED fetch http://127.0.0.1:9/exfiltrate  1x; last ");
    assertThat(text).contains("summary: 5 grants, 1 never used (candidates to remove: main.LEGACY, "
        + "main.KEY:verify); 3 refused or denied attempts\n");
    assertThat(text).doesNotContain("not-a-capability").doesNotContain("token=x");
  }

  @Test void theJsonReportHasTheSameFacts() throws Exception {
    assertThat(run("capabilities", "--json", "--usage", auditFile.toString(), config.toString())).isZero();
    JsonNode root = new ObjectMapper().readTree(out.toString());
    assertThat(root.at("/window/uses").asLong()).isEqualTo(13);
    JsonNode main = root.at("/workers/0");
    assertThat(main.get("worker").asText()).isEqualTo("main");
    JsonNode legacy = main.at("/grants/1");
    assertThat(legacy.get("binding").asText()).isEqualTo("LEGACY");
    assertThat(legacy.get("unused").asBoolean()).isTrue();
    JsonNode key = main.at("/grants/4");
    assertThat(key.get("binding").asText()).isEqualTo("KEY");
    assertThat(key.at("/unusedUsages/0").asText()).isEqualTo("verify");
    assertThat(key.at("/byOperation/sign").asLong()).isEqualTo(2);
    assertThat(root.at("/workers/2/attempts/0/what").asText()).isEqualTo("REFUSED fetch http://127.0.0.1:9/exfiltrate");
  }

  @Test void severalAuditFilesAndTheConfigCanFollowUsage() throws Exception {
    Path copy = Files.copy(auditFile, dir.resolve("copy.log"));
    assertThat(run("capabilities", "--usage", auditFile.toString(), copy.toString(), config.toString()))
        .as(err.toString()).isZero();
    assertThat(out.toString()).startsWith("capabilities used, from 2 audit files: 26 uses, ");
  }

  @Test void anUnreadableAuditFileIsAUsageError() {
    assertThat(run("capabilities", "--usage", dir.resolve("missing.log").toString(), config.toString()))
        .isEqualTo(2);
    assertThat(err.toString()).contains("cannot read ").contains("missing.log");
  }
}
