package dev.capmesh.runner.metrics;

import dev.capmesh.compiler.ConfigCompiler;
import dev.capmesh.compiler.plan.Planner;
import dev.capmesh.proto.v1.RunnerPlan;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Predicate;

/** Plans from config text, HTTP over loopback, and scrapes of an admin endpoint. */
final class MetricsTesting {
  private static final HttpClient CLIENT = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(30)).build();

  private MetricsTesting() {}

  /** The plan of the config {@code text}, compiled by the real compiler from {@code dir}. */
  static RunnerPlan plan(Path dir, String text) throws Exception {
    Path file = dir.resolve("config.capnp");
    Files.writeString(file, text);
    return Planner.plan(ConfigCompiler.create().compile(file, null).config(), "config.capnp");
  }

  /** One request to 127.0.0.1:{@code port}. */
  static HttpResponse<String> send(int port, String method, String path, String body) throws Exception {
    var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(60))
        .method(method, body.isEmpty() ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body))
        .build();
    return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
  }

  static HttpResponse<String> get(int port, String path) throws Exception {
    return send(port, "GET", path, "");
  }

  /** GET {@code path} on {@code to} (an IPv4 loopback address). */
  static HttpResponse<String> get(InetSocketAddress to, String path) throws Exception {
    var request = HttpRequest.newBuilder(URI.create("http://" + to.getAddress().getHostAddress() + ":"
        + to.getPort() + path)).timeout(Duration.ofSeconds(60)).build();
    return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
  }

  /** GET /metrics on the admin endpoint, parsed (strictly). */
  static PromText scrape(AdminServer admin) throws Exception {
    HttpResponse<String> r = get(admin.address().getPort(), "/metrics");
    if (r.statusCode() != 200) {
      throw new AssertionError("/metrics answered " + r.statusCode() + ": " + r.body());
    }
    return new PromText(r.body());
  }

  /** Scrapes until {@code done} holds (counters move once a response is written), at most 60 s. */
  static PromText scrapeUntil(AdminServer admin, Predicate<PromText> done) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (true) {
      PromText text = scrape(admin);
      if (done.test(text)) {
        return text;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the metrics never got there; last scrape:\n" + dump(text));
      }
      Thread.sleep(20);
    }
  }

  private static String dump(PromText text) {
    var b = new StringBuilder();
    for (PromText.Sample s : text.samples) {
      if (s.name().startsWith("capmesh_")) {
        b.append(s).append('\n');
      }
    }
    return b.toString();
  }

  /** Writes {@code request} on a raw connection and returns the status of the answer (0: none). */
  static int rawStatus(InetSocketAddress to, String request) throws IOException {
    try (var socket = new Socket(to.getAddress(), to.getPort())) {
      socket.setSoTimeout(30_000);
      socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
      socket.getOutputStream().flush();
      InputStream in = socket.getInputStream();
      var line = new StringBuilder();
      for (int c = in.read(); c >= 0 && c != '\n'; c = in.read()) {
        line.append((char) c);
      }
      String[] parts = line.toString().split(" ");
      return parts.length < 2 ? 0 : Integer.parseInt(parts[1]);
    }
  }
}
