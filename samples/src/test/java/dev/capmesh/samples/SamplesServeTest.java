package dev.capmesh.samples;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every sample, served through the real {@code bin/runner serve}, answers real HTTP requests. */
class SamplesServeTest {

  private static Path sample(String name) {
    return ServedRunner.ROOT.resolve("samples").resolve(name).resolve("config.capnp");
  }

  @Test
  void helloWorld() throws Exception {
    try (var runner = ServedRunner.serve(sample("hello-world"), List.of("http"))) {
      HttpResponse<String> r = runner.get("http", "/abc");
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      assertThat(r.body()).isEqualTo("Hello from capmesh at /abc\n");
      assertThat(r.headers().firstValue("content-type")).hasValue("text/plain; charset=utf-8");
      assertThat(r.headers().firstValue("x-request-id")).isPresent();
      assertThat(Files.readString(runner.stdout)).contains("socket http: http://127.0.0.1:" + runner.ports.get("http"));
      // bin/runner passes the JIT flags: the optimizing runtime, never the fallback one.
      assertThat(Files.readString(runner.stdout)).containsPattern("javascript: GraalJS \\d+\\.\\d+.* \\(.*Graal.*\\)")
          .doesNotContain("Interpreted");
      assertThat(Files.readString(runner.stderr)).doesNotContainIgnoringCase("fallback runtime")
          .doesNotContain("without the optimizing compiler");
    }
  }

  @Test
  void helloServiceWorkerSyntax() throws Exception {
    try (var runner = ServedRunner.serve(sample("hello-service-worker"), List.of("http"))) {
      assertThat(runner.get("http", "/").body()).isEqualTo("Hello from a service worker, friend\n");
    }
  }

  @Test
  void staticFilesFromDiskAndNoEscape() throws Exception {
    try (var runner = ServedRunner.serve(sample("static-files"), List.of("http"))) {
      HttpResponse<String> index = runner.get("http", "/");
      assertThat(index.statusCode()).as(index.body()).isEqualTo(200);
      assertThat(index.body()).contains("<h1>Served from disk by capmesh</h1>");
      assertThat(runner.get("http", "/data.json").body()).isEqualTo("{\"ok\": true}\n");
      for (String escape : List.of("/../config.capnp", "/%2e%2e/config.capnp", "/..%2fconfig.capnp")) {
        HttpResponse<String> r = runner.get("http", escape);
        assertThat(r.statusCode()).as(escape).isNotEqualTo(200);
        assertThat(r.body()).as(escape).doesNotContain("using Workerd");
      }
    }
  }

  @Test
  void threeWorkerServiceChain() throws Exception {
    try (var runner = ServedRunner.serve(sample("service-chain"), List.of("http"))) {
      assertThat(runner.get("http", "/x").body()).isEqualTo("front -> middle(front) -> back /x");
    }
  }

  @Test
  void jsRpcBetweenTwoWorkers() throws Exception {
    try (var runner = ServedRunner.serve(sample("js-rpc"), List.of("http"))) {
      HttpResponse<String> ok = runner.get("http", "/", "authorization", "secret-for-acme");
      assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
      assertThat(ok.body()).isEqualTo(
          "{\"ok\":true,\"who\":{\"user\":\"alice\",\"tenant\":\"acme\",\"checkedAt\":\"1970-01-01T00:00:00.000Z\"}}");
      HttpResponse<String> denied = runner.get("http", "/", "authorization", "guess");
      assertThat(denied.statusCode()).as(denied.body()).isEqualTo(401);
      assertThat(denied.body()).isEqualTo("{\"ok\":false,\"error\":\"invalid token\"}");
    }
  }

  @Test
  void commonJsWorkerWithANamedEntrypointSocket() throws Exception {
    try (var runner = ServedRunner.serve(sample("commonjs-admin"), List.of("http", "admin"))) {
      HttpResponse<String> hello = runner.get("http", "/ada");
      assertThat(hello.statusCode()).as(hello.body()).isEqualTo(200);
      assertThat(hello.body()).isEqualTo("Hello, ada, from CommonJS\n");
      HttpResponse<String> admin = runner.get("admin", "/");
      assertThat(admin.statusCode()).as(admin.body()).isEqualTo(200);
      assertThat(admin.body()).isEqualTo("capmesh admin (role: operator)\n");
    }
  }

  @Test
  void ssrfDispatchReachesOnlyBoundServices() throws Exception {
    try (var runner = ServedRunner.serve(sample("ssrf-dispatch"), List.of("http"))) {
      assertThat(runner.get("http", "/users/7").body()).isEqualTo("users handled /users/7\n");
      assertThat(runner.get("http", "/orders/1").body()).isEqualTo("orders handled /orders/1\n");
      HttpResponse<String> admin = runner.get("http", "/admin/1");
      assertThat(admin.statusCode()).as(admin.body()).isEqualTo(404);
      // The gateway has no globalOutbound: even a loopback URL is refused inside the worker.
      int port = runner.ports.get("http");
      HttpResponse<String> fetch = runner.get("http", "/fetch?url=http://127.0.0.1:" + port + "/admin/");
      assertThat(fetch.statusCode()).as(fetch.body()).isEqualTo(403);
      assertThat(fetch.body()).startsWith("refused: TypeError: ").contains("globalOutbound");
    }
  }

  @Test
  void egressThroughANetworkServiceWithAllowAndDeny() throws Exception {
    HttpServer upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    upstream.createContext("/", exchange -> {
      byte[] body = ("upstream " + exchange.getRequestURI().getPath()).getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    upstream.start();
    try (var runner = ServedRunner.serve(sample("egress-allowed"), List.of("http"))) {
      int up = upstream.getAddress().getPort();
      HttpResponse<String> allowed = runner.get("http", "/?url=http://127.0.0.1:" + up + "/hi");
      assertThat(allowed.body()).isEqualTo("upstream said 200: upstream /hi");
      // 127.0.0.2 is denied by the config's deny rule: refused before any connection.
      HttpResponse<String> denied = runner.get("http", "/?url=http://127.0.0.2:" + up + "/hi");
      assertThat(denied.statusCode()).as(denied.body()).isEqualTo(403);
      assertThat(denied.body()).startsWith("refused: ").contains("127.0.0.2");
    } finally {
      upstream.stop(0);
    }
  }

  @Test
  void mockServiceInjectedByInherit() throws Exception {
    try (var runner = ServedRunner.serve(sample("mock-by-inherit"), List.of("http", "test"))) {
      assertThat(runner.get("http", "/widget").body()).isEqualTo("widget costs 42\n");
      assertThat(runner.get("test", "/widget").body()).isEqualTo("widget costs 1\n");
    }
  }

  private static final class Files {
    static String readString(Path p) throws java.io.IOException {
      return java.nio.file.Files.readString(p);
    }
  }
}
