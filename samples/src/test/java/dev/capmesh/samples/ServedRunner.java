package dev.capmesh.samples;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A {@code bin/runner serve} process started the way a user starts it, listening on free
 * loopback ports, with its output captured for assertions and failure messages.
 */
final class ServedRunner implements AutoCloseable {
  static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final HttpClient CLIENT = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(5)).build();

  final Process process;
  final Map<String, Integer> ports;
  final Path stdout;
  final Path stderr;

  private ServedRunner(Process process, Map<String, Integer> ports, Path stdout, Path stderr) {
    this.process = process;
    this.ports = ports;
    this.stdout = stdout;
    this.stderr = stderr;
  }

  /** Starts {@code bin/runner serve CONFIG} with each named socket on a free loopback port. */
  static ServedRunner serve(Path config, List<String> sockets, String... extraArgs) throws Exception {
    return serve(config, sockets, Map.of(), extraArgs);
  }

  /** Like {@link #serve(Path, List, String...)} with extra environment variables. */
  static ServedRunner serve(Path config, List<String> sockets, Map<String, String> environment,
      String... extraArgs) throws Exception {
    var ports = new LinkedHashMap<String, Integer>();
    var command = new ArrayList<>(List.of(ROOT.resolve("bin/runner").toString(), "serve", config.toString()));
    for (String socket : sockets) {
      int port = freePort();
      ports.put(socket, port);
      command.add("--socket-addr");
      command.add(socket + "=127.0.0.1:" + port);
    }
    command.addAll(List.of(extraArgs));
    Path out = Files.createTempFile("runner-out", ".log");
    Path err = Files.createTempFile("runner-err", ".log");
    var builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
    // The reactor has just built the runner; do not let the launcher rebuild it concurrently.
    builder.environment().put("CAPMESH_NO_BUILD", "1");
    builder.environment().putAll(environment);
    var runner = new ServedRunner(builder.start(), ports, out, err);
    runner.awaitListening(Duration.ofSeconds(90));
    return runner;
  }

  static int freePort() throws IOException {
    try (var s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private void awaitListening(Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    for (int port : ports.values()) {
      while (true) {
        if (!process.isAlive()) {
          throw new AssertionError("runner exited with " + process.exitValue() + "\n" + output());
        }
        try {
          new Socket("127.0.0.1", port).close();
          break;
        } catch (IOException notYet) {
          if (System.nanoTime() > deadline) {
            throw new AssertionError("runner did not listen on " + port + " within " + timeout + "\n" + output());
          }
          Thread.sleep(100);
        }
      }
    }
  }

  /** GET http://127.0.0.1:PORT{path} on the named socket, with optional header pairs. */
  HttpResponse<String> get(String socket, String path, String... headers) throws Exception {
    var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ports.get(socket) + path))
        .timeout(Duration.ofSeconds(30));
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
  }

  String output() throws IOException {
    return "--- stdout\n" + Files.readString(stdout) + "--- stderr\n" + tail(Files.readString(stderr));
  }

  private static String tail(String s) {
    return s.length() < 6000 ? s : "..." + s.substring(s.length() - 6000);
  }

  /** Ctrl-C: SIGINT-like termination; returns the exit code. */
  int interrupt() throws Exception {
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("runner did not stop within 30 s of SIGTERM\n" + output());
    }
    return process.exitValue();
  }

  @Override
  public void close() throws IOException {
    if (process.isAlive()) {
      process.destroy();
      try {
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
    Files.deleteIfExists(stdout);
    Files.deleteIfExists(stderr);
  }
}
