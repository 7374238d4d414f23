package dev.capmesh.runner.metrics;

import static dev.capmesh.runner.metrics.MetricsTesting.get;
import static dev.capmesh.runner.metrics.MetricsTesting.scrape;
import static dev.capmesh.runner.metrics.MetricsTesting.scrapeUntil;
import static dev.capmesh.runner.metrics.MetricsTesting.send;
import static org.assertj.core.api.Assertions.assertThat;

import dev.capmesh.runner.Runner;
import dev.capmesh.runner.RunnerOptions;
import dev.capmesh.runner.js.JsLimits;
import dev.capmesh.runner.observe.BindingUse;
import dev.capmesh.runner.observe.BindingUse.Outcome;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real runner with its admin endpoint on loopback: real requests to its workers, real scrapes
 * of /metrics over HTTP, parsed, and the counters moved by exactly what was done. The runner is
 * shared, so every test compares a scrape before with one after.
 */
class RunnerMetricsTest {
  @TempDir static Path dir;
  static RunnerMetrics metrics;
  static AdminServer admin;
  static Runner runner;

  private static final String CONFIG = """
      using Workerd = import "/workerd/workerd.capnp";
      const config :Workerd.Config = (
        services = [
          (name = "hello", worker = (compatibilityDate = "2024-09-01",
            modules = [ (name = "h.js", esModule = "export default { async fetch(r) { const path = new URL(r.url).pathname; if (path.startsWith('/missing')) return new Response('no', { status: 404 }); if (path === '/throw') throw new Error('boom'); if (path === '/body') return new Response(String((await r.text()).length)); return new Response('hi'); } }") ])),
          (name = "spin", worker = (compatibilityDate = "2024-09-01",
            modules = [ (name = "s.js", esModule = "export default { fetch() { for (;;) {} } }") ])),
          (name = "caller", worker = (compatibilityDate = "2024-09-01",
            bindings = [ (name = "B", service = "hello") ],
            modules = [ (name = "c.js", esModule = "export default { async fetch(r, env) { await (await env.B.fetch('http://x/')).text(); await (await env.B.fetch('http://x/')).text(); return new Response('two calls'); } }") ])),
        ],
        sockets = [
          (name = "http", address = "127.0.0.1:1", http = (), service = "hello"),
          (name = "spin", address = "127.0.0.1:2", http = (), service = "spin"),
          (name = "caller", address = "127.0.0.1:3", http = (), service = "caller"),
        ],
      );
      """;

  @BeforeAll static void start() throws Exception {
    metrics = RunnerMetrics.create(Clock.systemUTC());
    admin = AdminServer.start(new InetSocketAddress("127.0.0.1", 0), metrics);
    RunnerOptions defaults = RunnerOptions.defaults(dir);
    // 250 ms of CPU (no larger allowance for cold requests), one subrequest per request, 1 KiB
    // buffered bodies in workers, 4 KiB request bodies at the sockets.
    var limits = new JsLimits(Duration.ofMillis(250), 1, 1024, Duration.ofMillis(250), 0);
    var options = new RunnerOptions(dir, Map.of("http", "127.0.0.1:0", "spin", "127.0.0.1:0",
        "caller", "127.0.0.1:0"), limits, 2, 4096, defaults.connectionLimits())
        .withObserver(metrics).withBindingListener(metrics);
    runner = Runner.create(options);
    admin.attach(runner);
    runner.apply(MetricsTesting.plan(dir, CONFIG));
  }

  @AfterAll static void stop() {
    runner.close();
    admin.close();
    metrics.close();
  }

  private static int port(String socket) {
    return runner.listening().get(socket).getPort();
  }

  private static Map<String, String> labels(String... kv) {
    var m = new java.util.LinkedHashMap<String, String>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return m;
  }

  @Test void requestsAreCountedBySocketServiceAndStatusClassAndTimed() throws Exception {
    PromText before = scrape(admin);
    var ok = labels("socket", "http", "service", "hello", "status", "2xx");
    var notFound = labels("socket", "http", "service", "hello", "status", "4xx");
    var failed = labels("socket", "http", "service", "hello", "status", "5xx");
    var timer = labels("socket", "http", "service", "hello");
    for (int i = 0; i < 5; i++) {
      assertThat(get(port("http"), "/").statusCode()).isEqualTo(200);
    }
    for (int i = 0; i < 3; i++) {
      assertThat(get(port("http"), "/missing").statusCode()).isEqualTo(404);
    }
    for (int i = 0; i < 2; i++) {
      assertThat(get(port("http"), "/throw").statusCode()).isEqualTo(500);
    }
    double count0 = before.valueOrZero("capmesh_request_duration_seconds_count", timer);
    PromText after = scrapeUntil(admin, t ->
        t.value("capmesh_request_duration_seconds_count", timer) >= count0 + 10);

    assertThat(after.value("capmesh_requests_total", ok) - before.value("capmesh_requests_total", ok)).isEqualTo(5);
    assertThat(after.value("capmesh_requests_total", notFound) - before.value("capmesh_requests_total", notFound)).isEqualTo(3);
    assertThat(after.value("capmesh_requests_total", failed) - before.value("capmesh_requests_total", failed)).isEqualTo(2);
    assertThat(after.value("capmesh_request_duration_seconds_count", timer) - count0).isEqualTo(10);
    // Buckets are cumulative and +Inf holds them all.
    List<PromText.Sample> buckets = after.find("capmesh_request_duration_seconds_bucket", timer);
    assertThat(buckets).hasSize(SocketMeters.BUCKETS.length + 1);
    for (int i = 1; i < buckets.size(); i++) {
      assertThat(buckets.get(i).value()).isGreaterThanOrEqualTo(buckets.get(i - 1).value());
    }
    assertThat(after.value("capmesh_request_duration_seconds_bucket", labels("socket", "http", "le", "+Inf")))
        .isEqualTo(after.value("capmesh_request_duration_seconds_count", timer));
    assertThat(after.value("capmesh_requests_in_flight", labels("socket", "http"))).isZero();
    assertThat(after.value("capmesh_worker_cpu_seconds_total", labels("worker", "hello"))).isPositive();
    // The runner's own JVM meters are there too.
    assertThat(after.find("jvm_memory_used_bytes", Map.of())).isNotEmpty();
    assertThat(after.find("jvm_threads_live_threads", Map.of())).isNotEmpty();
    assertThat(after.value("capmesh_plan_info", labels("version", runner.version()))).isEqualTo(1);
  }

  @Test void aRequestIsInFlightFromItsHeadUntilItsResponseEnds() throws Exception {
    var socket = labels("socket", "http");
    InetSocketAddress to = runner.listening().get("http");
    try (var client = new java.net.Socket(to.getAddress(), to.getPort())) {
      client.setSoTimeout(30_000);
      // Half of the body: the worker waits in text() for the rest.
      client.getOutputStream().write("POST /body HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\nabcde"
          .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
      client.getOutputStream().flush();
      scrapeUntil(admin, t -> t.value("capmesh_requests_in_flight", socket) == 1);
      client.getOutputStream().write("fghij".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
      client.getOutputStream().flush();
      String response = new String(client.getInputStream().readNBytes(12), java.nio.charset.StandardCharsets.ISO_8859_1);
      assertThat(response).isEqualTo("HTTP/1.1 200");
      PromText after = scrapeUntil(admin, t -> t.value("capmesh_requests_in_flight", socket) == 0);
      assertThat(after.value("capmesh_requests_in_flight", socket)).isZero();
    }
  }

  @Test void aWorkerOverItsCpuLimitCountsOneCpuLimitHit() throws Exception {
    var cpu = labels("worker", "spin", "limit", "cpu");
    double before = scrape(admin).value("capmesh_worker_limit_hits_total", cpu);
    HttpResponse<String> r = get(port("spin"), "/");
    assertThat(r.statusCode()).isEqualTo(503);
    assertThat(r.body()).contains("CPU time limit");
    var failed = labels("socket", "spin", "status", "5xx");
    // The request is counted once its response has been written, which can come after the client
    // has read it: wait for both counters.
    PromText after = scrapeUntil(admin, t -> t.value("capmesh_worker_limit_hits_total", cpu) > before
        && t.value("capmesh_requests_total", failed) > 0);
    assertThat(after.value("capmesh_worker_limit_hits_total", cpu)).isEqualTo(before + 1);
    assertThat(after.value("capmesh_requests_total", failed)).isPositive();
  }

  @Test void subrequestAndBodyLimitsAreCountedForTheWorkerThatHitThem() throws Exception {
    var subrequests = labels("worker", "caller", "limit", "subrequests");
    var body = labels("worker", "hello", "limit", "body_too_large");
    PromText before = scrape(admin);
    // The second call of the caller is one over its limit of one.
    assertThat(get(port("caller"), "/").statusCode()).isEqualTo(500);
    // 2000 bytes pass the socket (4 KiB) but not the worker's text() (1 KiB).
    assertThat(send(port("http"), "POST", "/body", "x".repeat(2000)).statusCode()).isEqualTo(500);
    assertThat(send(port("http"), "POST", "/body", "x".repeat(500)).body()).isEqualTo("500");
    PromText after = scrapeUntil(admin, t -> t.value("capmesh_worker_limit_hits_total", subrequests)
        > before.value("capmesh_worker_limit_hits_total", subrequests)
        && t.value("capmesh_worker_limit_hits_total", body) > before.value("capmesh_worker_limit_hits_total", body));
    assertThat(after.value("capmesh_worker_limit_hits_total", subrequests)
        - before.value("capmesh_worker_limit_hits_total", subrequests)).isEqualTo(1);
    assertThat(after.value("capmesh_worker_limit_hits_total", body)
        - before.value("capmesh_worker_limit_hits_total", body)).isEqualTo(1);
  }

  @Test void limitsTheSocketEnforcesAreCountedForTheSocket() throws Exception {
    var tooLarge = labels("socket", "http", "limit", "body_too_large");
    var header = labels("socket", "http", "limit", "header_too_large");
    PromText before = scrape(admin);
    InetSocketAddress to = runner.listening().get("http");
    assertThat(MetricsTesting.rawStatus(to, "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 100000\r\n\r\n"))
        .isEqualTo(413);
    assertThat(MetricsTesting.rawStatus(to, "GET / HTTP/1.1\r\nHost: a\r\nX-Big: " + "y".repeat(20_000)
        + "\r\n\r\n")).isEqualTo(431);
    PromText after = scrapeUntil(admin, t -> t.value("capmesh_socket_limit_hits_total", header)
        > before.value("capmesh_socket_limit_hits_total", header));
    assertThat(after.value("capmesh_socket_limit_hits_total", tooLarge)
        - before.value("capmesh_socket_limit_hits_total", tooLarge)).isEqualTo(1);
    assertThat(after.value("capmesh_socket_limit_hits_total", header)
        - before.value("capmesh_socket_limit_hits_total", header)).isEqualTo(1);
  }

  private static BindingUse use(String worker, String binding, String kind, String operation,
      String target, Outcome outcome) {
    return new BindingUse(Instant.now(), "req-1", worker, binding, kind, operation, target, outcome,
        10, 20, 3_000_000);
  }

  @Test void bindingUsesAreCountedByWorkerBindingOperationAndOutcome() throws Exception {
    var ok = labels("worker", "caller", "binding", "B", "kind", "service", "operation", "fetch", "outcome", "ok");
    var error = labels("worker", "caller", "binding", "B", "kind", "service", "operation", "fetch", "outcome", "error");
    var duration = labels("worker", "caller", "binding", "B", "kind", "service", "operation", "fetch");
    PromText before = scrape(admin);
    // Told directly: this branch has no emission sites yet (the audit work adds them); the
    // listener is the one the runner's options carry.
    metrics.used(use("caller", "B", "service", "fetch", "http://x/a", Outcome.OK));
    metrics.used(use("caller", "B", "service", "fetch", "http://x/b", Outcome.OK));
    metrics.used(use("caller", "B", "service", "fetch", "http://x/c", Outcome.ERROR));
    PromText after = scrape(admin);
    assertThat(after.value("capmesh_binding_calls_total", ok) - before.valueOrZero("capmesh_binding_calls_total", ok))
        .isEqualTo(2);
    assertThat(after.value("capmesh_binding_calls_total", error) - before.valueOrZero("capmesh_binding_calls_total", error))
        .isEqualTo(1);
    assertThat(after.value("capmesh_binding_duration_seconds_count", duration)
        - before.valueOrZero("capmesh_binding_duration_seconds_count", duration)).isEqualTo(3);
    assertThat(after.value("capmesh_binding_duration_seconds_sum", duration)
        - before.valueOrZero("capmesh_binding_duration_seconds_sum", duration)).isCloseTo(0.009, org.assertj.core.data.Offset.offset(1e-9));
  }

  @Test void namesAWorkerChoseNeverBecomeLabels() throws Exception {
    double unattributed = scrape(admin).value("capmesh_binding_uses_unattributed_total", Map.of());
    // A binding the plan does not give the worker, an operation that is not a word, a kind
    // past the vocabulary: each folds into "other".
    metrics.used(use("caller", "NOT_GRANTED", "service", "fetch", "t", Outcome.REFUSED));
    metrics.used(use("caller", "B", "service", "get\"}\nevil_total 1", "t", Outcome.OK));
    for (int i = 0; i < BindingMeters.MAX_WORDS + 10; i++) {
      metrics.used(use("caller", "B", "kind" + i, "op" + i, "t", Outcome.OK));
    }
    // A worker the plan does not have is not labelled at all.
    metrics.used(use("ghost-worker", "B", "service", "fetch", "t", Outcome.OK));
    PromText after = scrape(admin);
    assertThat(after.anyLabelValue("NOT_GRANTED")).isFalse();
    assertThat(after.anyLabelValue("ghost-worker")).isFalse();
    assertThat(after.samples).noneMatch(s -> s.name().startsWith("evil"));
    assertThat(after.value("capmesh_binding_calls_total", labels("worker", "caller", "binding", "other",
        "outcome", "refused"))).isEqualTo(1);
    assertThat(after.value("capmesh_binding_uses_unattributed_total", Map.of())).isEqualTo(unattributed + 1);
    long kinds = after.find("capmesh_binding_calls_total", labels("worker", "caller")).stream()
        .map(s -> s.labels().get("kind")).distinct().count();
    assertThat(kinds).isLessThanOrEqualTo(BindingMeters.MAX_WORDS + 1);
  }

  @Test void noKeyPathQueryOrUrlEverAppearsInTheMetrics() throws Exception {
    String key = "tenant-42/secret-key-5f9c";
    String url = "https://api.example.test/v1/charge?token=tok-8d1e";
    String path = "/missing/secret-path-a7b3?session=sess-c4d2";
    metrics.used(use("caller", "B", "kv", "get", key, Outcome.OK));
    metrics.used(use("caller", "B", "network", "fetch", url, Outcome.ERROR));
    assertThat(get(port("http"), path).statusCode()).isEqualTo(404);
    HttpResponse<String> raw = get(admin.address().getPort(), "/metrics");
    for (String secret : List.of("secret-key-5f9c", "tenant-42", "api.example.test", "tok-8d1e",
        "secret-path-a7b3", "sess-c4d2", "/missing", "req-1")) {
      assertThat(raw.body()).doesNotContain(secret);
    }
  }
}
