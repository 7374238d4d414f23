package dev.capmesh.runner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.capmesh.runner.audit.AuditLog;
import dev.capmesh.runner.audit.AuditVerifier;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A runner with its audit log: lines carry the request id the client saw, secrets never reach
 * the file, and an audit log that fails closed makes binding uses reject with a clear error.
 */
class AuditedRunnerTest {
  private static final String SECRET = "s3cr3t-V4LUE-never-logged";
  @TempDir Path dir;
  private Runner runner;
  private AuditLog audit;
  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).build();

  @AfterEach void tearDown() {
    if (runner != null) {
      runner.close();
    }
    if (audit != null) {
      audit.close();
    }
  }

  private void start(Path auditFile, boolean failClosed) throws Exception {
    for (String name : List.of("main.js", "auth.js")) {
      try (InputStream in = AuditedRunnerTest.class.getResourceAsStream("/audit/" + name)) {
        Files.write(dir.resolve(name), in.readAllBytes());
      }
    }
    String config = """
        using Workerd = import "/workerd/workerd.capnp";
        const config :Workerd.Config = (
          services = [
            (name = "main", worker = (modules = [(name = "main.js", esModule = embed "main.js")],
                compatibilityDate = "2024-09-01",
                bindings = [(name = "KV", kvNamespace = "ns"), (name = "AUTH", service = "auth"),
                            (name = "SECRET", secret = "%s")])),
            (name = "auth", worker = (modules = [(name = "auth.js", esModule = embed "auth.js")],
                compatibilityDate = "2024-09-01",
                bindings = [(name = "SESSIONS", kvNamespace = "ns")])),
            (name = "ns", kv = (embedded = (path = "data/ns"))),
          ],
          sockets = [(name = "http", address = "127.0.0.1:0", http = (), service = "main")],
        );
        """.formatted(SECRET);
    audit = AuditLog.toFile(auditFile).runnerId("r-test").failClosed(failClosed)
        .checkpointInterval(Duration.ofMillis(20)).reportInterval(Duration.ofMillis(100)).open();
    runner = Runner.start(TestRunners.plan(TestRunners.compile(dir, config)),
        RunnerOptions.defaults(dir).withSocketAddresses(Map.of("http", "127.0.0.1:0"))
            .withBindingListener(audit));
    audit.redactor(runner::redactSecrets);
  }

  private HttpResponse<String> get(String path) throws Exception {
    int port = runner.listening().get("http").getPort();
    return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test void aSecretBindingsValueNeverReachesTheAuditLog() throws Exception {
    Path file = dir.resolve("audit.log");
    start(file, false);
    // The worker uses the secret as a KV key, in a URL path and query, and as an RPC method name.
    assertThat(get("/secret").body()).isEqualTo("done");
    runner.close();
    runner = null;
    audit.close();
    String text = Files.readString(file);
    assertThat(text).contains("\"target\":\"[REDACTED]\"").contains("\"target\":\"k-[REDACTED]\"")
        .contains("\"target\":\"http://auth/[REDACTED]\"");
    assertThat(text).doesNotContain(SECRET).doesNotContain("s3cr3t");
    assertThat(AuditVerifier.verify(List.of(file), null, true).problems()).isEmpty();
  }

  @Test void linesCarryTheRequestIdTheClientWasGivenAcrossWorkers() throws Exception {
    Path file = dir.resolve("audit.log");
    start(file, false);
    HttpResponse<String> r = get("/rpc");
    assertThat(r.body()).isEqualTo("ok alice");
    String id = r.headers().firstValue("x-request-id").orElseThrow();
    runner.close();
    runner = null;
    audit.close();
    List<String> mine = Files.readAllLines(file).stream().filter(l -> l.contains("\"requestId\":\"" + id + "\""))
        .toList();
    assertThat(mine).hasSize(2);
    assertThat(mine).anySatisfy(l -> assertThat(l).contains("\"worker\":\"main\"").contains("\"op\":\"rpc\""));
    assertThat(mine).anySatisfy(l -> assertThat(l).contains("\"worker\":\"auth\"").contains("\"op\":\"get\""));
  }

  @Test void failingClosedBindingUsesRejectWithAClearErrorUntilTheLogWritesAgain() throws Exception {
    Path logDir = Files.createDirectories(dir.resolve("logs"));
    Path file = logDir.resolve("audit.log");
    start(file, true);
    assertThat(get("/kv").body()).isEqualTo("hello 1");
    // Make the directory unwritable for everyone, root included: a regular file takes its place.
    Path aside = dir.resolve("logs-aside");
    Files.move(logDir, aside);
    Files.writeString(logDir, "not a directory");
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (audit.refusal() == null && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertThat(get("/kvtry").body()).isEqualTo("error: KV binding \"KV\": refused: the audit log "
        + "cannot be written and this runner fails closed (--audit-fail-closed); binding uses are "
        + "refused until it can");
    assertThat(get("/rpc").statusCode()).isEqualTo(500); // an RPC call is refused too
    Files.delete(logDir);
    Files.move(aside, logDir);
    deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (audit.refusal() != null && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertThat(get("/kv").body()).isEqualTo("hello 1");
    runner.close();
    runner = null;
    audit.close();
    assertThat(audit.stats().dropped()).isZero();
    assertThat(AuditVerifier.verify(List.of(file), null, true).problems()).isEmpty();
  }
}
