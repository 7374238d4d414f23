package dev.capmesh.runner.metrics;

import static dev.capmesh.runner.metrics.MetricsTesting.get;
import static dev.capmesh.runner.metrics.MetricsTesting.scrape;
import static dev.capmesh.runner.metrics.MetricsTesting.send;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.capmesh.proto.v1.RunnerPlan;
import dev.capmesh.runner.Runner;
import dev.capmesh.runner.RunnerException;
import dev.capmesh.runner.RunnerOptions;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin endpoint over real HTTP: the probes through a runner's life, what it refuses, plan
 * swaps dropping the series of what is gone, a port it shares with nothing, and names from a
 * hostile config escaped in the exposition.
 */
class AdminServerTest {
  @TempDir Path dir;

  private static final InetSocketAddress LOOPBACK_ANY_PORT = new InetSocketAddress("127.0.0.1", 0);

  private static String config(String extraWorker) {
    return """
        using Workerd = import "/workerd/workerd.capnp";
        const config :Workerd.Config = (
          services = [
            (name = "hello", worker = (compatibilityDate = "2024-09-01",
              modules = [ (name = "h.js", esModule = "export default { fetch() { return new Response('hi'); } }") ])),
            EXTRA
          ],
          sockets = [
            (name = "http", address = "127.0.0.1:0", http = (), service = "hello"),
            SOCKET
          ],
        );
        """.replace("EXTRA", extraWorker.isEmpty() ? "" : """
            (name = "extra", worker = (compatibilityDate = "2024-09-01",
              modules = [ (name = "e.js", esModule = "export default { fetch() { return new Response('extra'); } }") ])),
        """).replace("SOCKET", extraWorker.isEmpty() ? ""
        : "(name = \"second\", address = \"127.0.0.2:0\", http = (), service = \"extra\"),");
  }

  private RunnerOptions options(RunnerMetrics metrics) {
    return RunnerOptions.defaults(dir).withObserver(metrics).withBindingListener(metrics);
  }

  @Test void probesFollowTheRunnerFromStartToStop() throws Exception {
    var clock = Clock.fixed(Instant.parse("2026-11-29T12:00:00Z"), ZoneOffset.UTC);
    try (var metrics = RunnerMetrics.create(clock);
         var admin = AdminServer.start(LOOPBACK_ANY_PORT, metrics)) {
      int port = admin.address().getPort();
      // Before the runner exists: alive, not ready.
      assertThat(get(port, "/healthz").statusCode()).isEqualTo(200);
      HttpResponse<String> starting = get(port, "/readyz");
      assertThat(starting.statusCode()).isEqualTo(503);
      assertThat(starting.body()).isEqualTo("not ready: the runner is starting\n");

      Runner runner = Runner.create(options(metrics));
      try {
        admin.attach(runner);
        HttpResponse<String> noPlan = get(port, "/readyz");
        assertThat(noPlan.statusCode()).isEqualTo(503);
        assertThat(noPlan.body()).isEqualTo("not ready: no plan has been applied yet\n");
        HttpResponse<String> healthy = get(port, "/healthz");
        assertThat(healthy.statusCode()).isEqualTo(200);
        assertThat(healthy.body()).isEqualTo("ok\n");
        assertThat(scrape(admin).find("capmesh_plan_info", Map.of())).isEmpty();

        RunnerPlan plan = MetricsTesting.plan(dir, config(""));
        runner.apply(plan);
        HttpResponse<String> ready = get(port, "/readyz");
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(ready.body()).isEqualTo("ready: serving plan " + plan.getVersion() + "\n");
        PromText text = scrape(admin);
        assertThat(text.value("capmesh_plan_info", Map.of("version", plan.getVersion()))).isEqualTo(1);
        assertThat(text.value("capmesh_plans_applied_total", Map.of())).isEqualTo(1);
        assertThat(text.value("capmesh_plans_refused_total", Map.of())).isZero();
        assertThat(text.value("capmesh_plan_applied_timestamp_seconds", Map.of()))
            .isEqualTo(clock.millis() / 1000.0);
      } finally {
        runner.close();
      }
      HttpResponse<String> stopped = get(port, "/readyz");
      assertThat(stopped.statusCode()).isEqualTo(503);
      assertThat(stopped.body()).isEqualTo("not ready: the runner is stopping\n");
      assertThat(get(port, "/healthz").statusCode()).isEqualTo(503);
    }
  }

  @Test void onlyGetOnTheThreePathsIsServed() throws Exception {
    try (var metrics = RunnerMetrics.create(Clock.systemUTC());
         var admin = AdminServer.start(LOOPBACK_ANY_PORT, metrics)) {
      int port = admin.address().getPort();
      for (String path : new String[] {"/", "/metrics/", "/Metrics", "/healthz/x", "/admin", "/readyz.json"}) {
        HttpResponse<String> r = get(port, path);
        assertThat(r.statusCode()).as(path).isEqualTo(404);
        assertThat(r.body()).contains("/metrics, /healthz and /readyz");
      }
      // A query string does not change the path.
      assertThat(get(port, "/metrics?name[]=x").statusCode()).isEqualTo(200);
      for (String method : new String[] {"POST", "PUT", "DELETE", "HEAD", "OPTIONS"}) {
        HttpResponse<String> r = send(port, method, "/metrics", "");
        assertThat(r.statusCode()).as(method).isEqualTo(405);
        assertThat(r.headers().firstValue("allow")).hasValue("GET");
      }
      HttpResponse<String> ok = get(port, "/metrics");
      assertThat(ok.headers().firstValue("content-type")).hasValue(RunnerMetrics.CONTENT_TYPE);
      // A body is refused outright (the endpoint reads none).
      assertThat(send(port, "POST", "/metrics", "x".repeat(100)).statusCode()).isEqualTo(413);
    }
  }

  @Test void aNewPlanDropsTheSeriesOfWhatItRemovedAndARefusedPlanIsCounted() throws Exception {
    try (var metrics = RunnerMetrics.create(Clock.systemUTC());
         var admin = AdminServer.start(LOOPBACK_ANY_PORT, metrics);
         Runner runner = Runner.create(options(metrics))) {
      admin.attach(runner);
      RunnerPlan both = MetricsTesting.plan(dir, config("extra"));
      runner.apply(both);
      assertThat(get(runner.listening().get("second"), "/").body()).isEqualTo("extra");
      PromText before = MetricsTesting.scrapeUntil(admin, t -> !t.find("capmesh_requests_total",
          Map.of("socket", "second", "status", "2xx")).isEmpty()
          && t.value("capmesh_requests_total", Map.of("socket", "second", "status", "2xx")) == 1);
      assertThat(before.anyLabelValue("extra")).isTrue();

      RunnerPlan one = MetricsTesting.plan(dir, config(""));
      runner.apply(one);
      PromText after = scrape(admin);
      assertThat(after.anyLabelValue("extra")).as("series of the removed worker").isFalse();
      assertThat(after.anyLabelValue("second")).as("series of the removed socket").isFalse();
      assertThat(after.value("capmesh_plan_info", Map.of())).isEqualTo(1);
      assertThat(after.find("capmesh_plan_info", Map.of("version", both.getVersion()))).isEmpty();
      assertThat(after.value("capmesh_plan_info", Map.of("version", one.getVersion()))).isEqualTo(1);
      assertThat(after.value("capmesh_plans_applied_total", Map.of())).isEqualTo(2);

      // A plan whose content was changed after it was sealed is refused, and counted.
      var evil = one.toBuilder();
      evil.getServicesBuilder(0).getWorkerBuilder().getModulesBuilder().getModulesBuilder(0)
          .setContent(ByteString.copyFromUtf8("export default { fetch() { return new Response('pwned'); } }"));
      assertThatThrownBy(() -> runner.apply(evil.build())).isInstanceOf(RunnerException.class);
      PromText refused = scrape(admin);
      assertThat(refused.value("capmesh_plans_refused_total", Map.of())).isEqualTo(1);
      assertThat(refused.value("capmesh_plan_info", Map.of("version", one.getVersion()))).isEqualTo(1);
      assertThat(get(admin.address().getPort(), "/readyz").statusCode()).isEqualTo(200);
    }
  }

  @Test void aSocketOnTheAdminPortIsRefusedNamingTheAdminEndpoint() throws Exception {
    try (var metrics = RunnerMetrics.create(Clock.systemUTC());
         var admin = AdminServer.start(LOOPBACK_ANY_PORT, metrics);
         Runner runner = Runner.create(options(metrics))) {
      int port = admin.address().getPort();
      runner.reserve(admin.address(), "the admin endpoint (--admin-addr)");
      String text = config("").replace("127.0.0.1:0", "127.0.0.1:" + port);
      assertThatThrownBy(() -> runner.apply(MetricsTesting.plan(dir, text)))
          .isInstanceOf(RunnerException.class)
          .hasMessageContaining("socket \"http\": 127.0.0.1:" + port + " is the port of the admin endpoint (--admin-addr)");
      // A wildcard socket on the same port clashes too.
      String wildcard = config("").replace("127.0.0.1:0", "*:" + port);
      assertThatThrownBy(() -> runner.apply(MetricsTesting.plan(dir, wildcard)))
          .hasMessageContaining("is the port of the admin endpoint");
      assertThat(scrape(admin).value("capmesh_plans_refused_total", Map.of())).isEqualTo(2);
      // The admin endpoint still answers, and is not ready: nothing was applied.
      assertThat(get(port, "/readyz").statusCode()).isEqualTo(503);
    }
  }

  @Test void aPortInUseIsAClearError() throws Exception {
    try (var taken = new ServerSocket(0, 1, InetAddress.getByAddress(new byte[] {127, 0, 0, 1}));
         var metrics = RunnerMetrics.create(Clock.systemUTC())) {
      var at = new InetSocketAddress(taken.getInetAddress(), taken.getLocalPort());
      assertThatThrownBy(() -> AdminServer.start(at, metrics))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageStartingWith("cannot listen on 127.0.0.1:" + taken.getLocalPort() + ": ")
          .hasMessageContaining("in use");
    }
  }

  @Test void addressesAreIpLiteralsLocalhostOrAWildcardAndNeverLookedUp() {
    assertThat(AdminServer.parseAddress("127.0.0.1:9090"))
        .isEqualTo(new InetSocketAddress(InetAddress.getLoopbackAddress(), 9090));
    assertThat(AdminServer.parseAddress("localhost:0").getAddress().isLoopbackAddress()).isTrue();
    assertThat(AdminServer.parseAddress("[::1]:9090").getAddress().isLoopbackAddress()).isTrue();
    assertThat(AdminServer.parseAddress("*:9090").getAddress().isAnyLocalAddress()).isTrue();
    assertThat(AdminServer.parseAddress("10.1.2.3:9090").getAddress().getHostAddress()).isEqualTo("10.1.2.3");
    assertThatThrownBy(() -> AdminServer.parseAddress("metrics.internal:9090"))
        .hasMessageContaining("the host must be an IP address, localhost or * (no DNS names)");
    assertThatThrownBy(() -> AdminServer.parseAddress("127.0.0.1"))
        .hasMessageContaining("--admin-addr: \"127.0.0.1\" (expected: IP:PORT");
    assertThatThrownBy(() -> AdminServer.parseAddress("127.0.0.1:70000"))
        .hasMessageContaining("a port from 0 to 65535");
    assertThatThrownBy(() -> AdminServer.parseAddress("127.0.0.1:http"))
        .hasMessageContaining("expected: IP:PORT");
  }

  @Test void hostileWorkerSocketAndBindingNamesAreEscapedInTheExposition() throws Exception {
    // Names are any string in a config: quotes, backslashes, newlines, braces, '#'.
    String worker = "w\"or\\ker\n# TYPE evil counter\nevil_total 1";
    String socket = "s}oc\"ket\\\n";
    String binding = "B\"\\\n{x=\"1\"}";
    String text = """
        using Workerd = import "/workerd/workerd.capnp";
        const config :Workerd.Config = (
          services = [
            (name = "WORKER", worker = (compatibilityDate = "2024-09-01",
              bindings = [ (name = "BINDING", text = "v") ],
              modules = [ (name = "h.js", esModule = "export default { fetch() { return new Response('hi'); } }") ])),
          ],
          sockets = [ (name = "SOCKET", address = "127.0.0.1:0", http = (), service = "WORKER") ],
        );
        """.replace("WORKER", capnp(worker)).replace("SOCKET", capnp(socket)).replace("BINDING", capnp(binding));
    try (var metrics = RunnerMetrics.create(Clock.systemUTC());
         var admin = AdminServer.start(LOOPBACK_ANY_PORT, metrics);
         Runner runner = Runner.create(options(metrics))) {
      admin.attach(runner);
      runner.apply(MetricsTesting.plan(dir, text));
      assertThat(get(runner.listening().get(socket).getPort(), "/").body()).isEqualTo("hi");
      metrics.used(new dev.capmesh.runner.observe.BindingUse(Instant.now(), "r", worker, binding, "text",
          "get", null, dev.capmesh.runner.observe.BindingUse.Outcome.OK, 0, 0, 1));
      // PromText reads every line strictly: an unescaped newline or quote would fail it here.
      PromText parsed = MetricsTesting.scrapeUntil(admin, t -> !t.find("capmesh_requests_total",
          Map.of("socket", socket, "status", "2xx")).isEmpty()
          && t.value("capmesh_requests_total", Map.of("socket", socket, "status", "2xx")) == 1);
      assertThat(parsed.value("capmesh_requests_total", Map.of("socket", socket, "service", worker,
          "status", "2xx"))).isEqualTo(1);
      assertThat(parsed.value("capmesh_binding_calls_total", Map.of("worker", worker, "binding", binding,
          "outcome", "ok"))).isEqualTo(1);
      assertThat(parsed.samples).noneMatch(s -> s.name().startsWith("evil"));
      String raw = get(admin.address().getPort(), "/metrics").body();
      assertThat(raw).contains("worker=\"w\\\"or\\\\ker\\n# TYPE evil counter\\nevil_total 1\"");
      assertThat(raw).doesNotContain("\nevil_total 1");
    }
  }

  /** {@code s} as a Cap'n Proto string literal's contents. */
  private static String capnp(String s) {
    return s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }
}
