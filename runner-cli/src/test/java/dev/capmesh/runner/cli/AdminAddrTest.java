package dev.capmesh.runner.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --admin-addr} on {@code serve}: refused addresses and ports in-process, and the real
 * command in its own JVM scraped over HTTP.
 */
class AdminAddrTest {
  static final Pattern ADMIN = Pattern.compile("admin endpoint on http://127\\.0\\.0\\.1:([0-9]+)/");
  static final Pattern SOCKET = Pattern.compile("socket http: http://127\\.0\\.0\\.1:([0-9]+)/");

  @TempDir Path dir;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();
  private final List<Process> processes = new ArrayList<>();

  @AfterEach
  void killProcesses() {
    processes.forEach(Process::destroyForcibly);
  }

  private int run(String... args) {
    return new RunnerMain(new PrintWriter(out), new PrintWriter(err), new ByteArrayOutputStream(), false)
        .run(args);
  }

  private Path config(String address) throws Exception {
    return Files.writeString(dir.resolve("config.capnp"), """
        using Workerd = import "/workerd/workerd.capnp";
        const config :Workerd.Config = (
          services = [(name = "main", worker = (compatibilityDate = "2024-09-01",
              modules = [(name = "w.js", esModule = "export default { fetch() { return new Response('hello'); } }")]))],
          sockets = [(name = "http", address = "ADDRESS", http = (), service = "main")],
        );
        """.replace("ADDRESS", address));
  }

  @Test
  void aMalformedOrNamedAddressIsAUsageError() throws Exception {
    Path file = config("127.0.0.1:0");
    assertThat(run("serve", "--admin-addr", "metrics.internal:9090", file.toString())).isEqualTo(RunnerMain.USAGE);
    assertThat(err.toString()).contains("runner: --admin-addr: \"metrics.internal:9090\": the host must be an "
        + "IP address, localhost or * (no DNS names)");
    assertThat(run("serve", "--admin-addr", "9090", file.toString())).isEqualTo(RunnerMain.USAGE);
    assertThat(err.toString()).contains("--admin-addr: \"9090\" (expected: IP:PORT");
  }

  @Test
  void aBusyAdminPortFailsBeforeAnythingIsServed() throws Exception {
    Path file = config("127.0.0.1:0");
    try (var taken = new ServerSocket(0, 1, InetAddress.getByAddress(new byte[] {127, 0, 0, 1}))) {
      String at = "127.0.0.1:" + taken.getLocalPort();
      assertThat(run("serve", "--admin-addr", at, file.toString())).isEqualTo(RunnerMain.CONFIG_ERRORS);
      assertThat(err.toString()).contains("runner: --admin-addr " + at + ": cannot listen on " + at + ": ")
          .contains("in use");
      assertThat(out.toString()).doesNotContain("serving");
    }
  }

  @Test
  void aSocketOnTheAdminPortIsRefusedNamingIt() throws Exception {
    int port;
    try (var probe = new ServerSocket(0, 1, InetAddress.getByAddress(new byte[] {127, 0, 0, 1}))) {
      port = probe.getLocalPort(); // free again once closed; the admin endpoint takes it next
    }
    Path file = config("127.0.0.1:" + port);
    assertThat(run("serve", "--admin-addr", "127.0.0.1:" + port, file.toString())).isEqualTo(RunnerMain.CONFIG_ERRORS);
    assertThat(err.toString()).contains("runner: socket \"http\": 127.0.0.1:" + port
        + " is the port of the admin endpoint (--admin-addr)");
  }

  @Test
  void serveCountsRealRequestsAndReportsReady() throws Exception {
    Path file = config("127.0.0.1:0");
    serve("--admin-addr", "127.0.0.1:0", file.toString());
    await("the serving lines", () -> SOCKET.matcher(read("out")).find() && ADMIN.matcher(read("out")).find());
    int admin = port(ADMIN);
    int http = port(SOCKET);
    for (int i = 0; i < 3; i++) {
      assertThat(get(http, "/")).isEqualTo("200 hello");
    }
    assertThat(get(admin, "/readyz")).startsWith("200 ready: serving plan ");
    assertThat(get(admin, "/healthz")).isEqualTo("200 ok\n");
    await("three requests counted", () -> metric(admin, "capmesh_requests_total", "socket=\"http\"",
        "service=\"main\"", "status=\"2xx\"") == 3);
    assertThat(metric(admin, "capmesh_plans_applied_total")).isEqualTo(1);
    assertThat(get(admin, "/metrics")).contains("capmesh_worker_cpu_seconds_total{worker=\"main\"}",
        "jvm_memory_used_bytes");
    assertThat(read("err")).doesNotContain("warning: --admin-addr");
  }

  /**
   * The value of the last sample of {@code name} whose label text contains every one of
   * {@code labels}; NaN when there is none.
   */
  static double metric(int adminPort, String name, String... labels) {
    String text;
    try {
      text = get(adminPort, "/metrics");
    } catch (Exception e) {
      return Double.NaN;
    }
    double found = Double.NaN;
    for (String line : text.split("\n")) {
      if (!line.startsWith(name + "{") && !line.startsWith(name + " ")) {
        continue;
      }
      boolean all = true;
      for (String label : labels) {
        all &= line.contains(label);
      }
      if (all) {
        found = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return found;
  }

  static String get(int port, String path) throws Exception {
    try (HttpClient client = HttpClient.newHttpClient()) {
      HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
          .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
      return r.statusCode() + " " + r.body();
    }
  }

  private void serve(String... args) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>(List.of(java));
    for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (arg.startsWith("--upgrade-module-path") || arg.startsWith("-XX:+UnlockExperimentalVMOptions")
          || arg.startsWith("-XX:+EnableJVMCI") || arg.startsWith("--enable-native-access")
          || arg.startsWith("--sun-misc-unsafe-memory-access")) {
        command.add(arg);
      }
    }
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), RunnerMain.class.getName(), "serve"));
    command.addAll(List.of(args));
    var pb = new ProcessBuilder(command);
    pb.redirectOutput(dir.resolve("out").toFile());
    pb.redirectError(dir.resolve("err").toFile());
    processes.add(pb.start());
  }

  private int port(Pattern p) {
    Matcher m = p.matcher(read("out"));
    assertThat(m.find()).isTrue();
    return Integer.parseInt(m.group(1));
  }

  private String read(String name) {
    try {
      return Files.readString(dir.resolve(name));
    } catch (Exception e) {
      return "";
    }
  }

  private void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for: " + what + "\n--- out\n" + read("out")
            + "--- err\n" + read("err"));
      }
      Thread.sleep(20);
    }
  }
}
