package dev.capmesh.runner;

import dev.capmesh.compiler.ConfigCompiler;
import dev.capmesh.compiler.plan.Planner;
import dev.capmesh.proto.v1.RunnerPlan;
import dev.capmesh.schema.model.Config;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/** Compiles config text with the real compiler and serves it on loopback, port 0. */
final class TestRunners {
  private TestRunners() {}

  /** The config in {@code text}, compiled from {@code dir/config.capnp}. */
  static Config compile(Path dir, String text) throws Exception {
    Path file = dir.resolve("config.capnp");
    Files.writeString(file, text);
    return ConfigCompiler.create().compile(file, null).config();
  }

  /** The plan the compiler writes for a resolved {@code config}. */
  static RunnerPlan plan(Config config) {
    return Planner.plan(config, "config.capnp");
  }

  /** Starts a runner for {@code config} with every socket on 127.0.0.1, port 0. */
  static Runner start(Path dir, Config config) throws RunnerException {
    Map<String, String> addresses = new HashMap<>();
    config.sockets().forEach(s -> addresses.put(s.name(), "127.0.0.1:0"));
    return Runner.start(plan(config), RunnerOptions.defaults(dir).withSocketAddresses(addresses));
  }

  /** GET {@code path} on socket {@code socket}; the status and body as "STATUS BODY". */
  static String get(Runner runner, String socket, String path) throws Exception {
    int port = runner.listening().get(socket).getPort();
    var client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).build();
    HttpResponse<String> response = client.send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(60)).build(),
        HttpResponse.BodyHandlers.ofString());
    return response.statusCode() + " " + response.body();
  }
}
