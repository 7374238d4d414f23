package dev.capmesh.runner.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The runner CLI driven in-process: exit codes, stdout and stderr. */
class RunnerMainTest {
  @TempDir Path dir;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();
  private final ByteArrayOutputStream binary = new ByteArrayOutputStream();

  private int run(boolean terminal, String... args) {
    return new RunnerMain(new PrintWriter(out), new PrintWriter(err), binary, terminal).run(args);
  }

  private Path write(String name, String text) throws Exception {
    Path p = dir.resolve(name);
    Files.writeString(p, text);
    return p;
  }

  private static final String GOOD = """
      using Workerd = import "/workerd/workerd.capnp";
      const config :Workerd.Config = (
        services = [
          (name = "main", worker = (modules = [(name = "w.js", esModule = "export default {}")],
              compatibilityDate = "2024-09-01",
              bindings = [(name = "API", service = "api"), (name = "DB", kvNamespace = "db"),
                          (name = "TOKEN", secret = "s3cr3t")])),
          (name = "api", worker = (modules = [(name = "a.js", esModule = "export default {}")],
              compatibilityDate = "2024-09-01", globalOutbound = "internet")),
          (name = "db", kv = (embedded = (path = "/tmp/db"))),
          (name = "internet", network = (allow = ["public"], deny = ["10.0.0.0/8"])),
        ],
        sockets = [(name = "http", address = "127.0.0.1:8080", http = (), service = "main")],
      );
      """;

  private static final String BAD = """
      using Workerd = import "/workerd/workerd.capnp";
      const config :Workerd.Config = (
        services = [(name = "main", worker = (modules = [(name = "w.js", esModule = "x")],
            compatibilityDate = "2024-09-01", bindings = [(name = "A", service = "nope")]))],
        sockets = [(name = "http", address = "127.0.0.1:8080", http = (), service = "mian")],
      );
      """;

  @Test
  void serveRefusesAMalformedCpuLimitAsAUsageError() throws Exception {
    Path file = write("good.capnp", GOOD);
    assertThat(run(false, "serve", "--cpu-limit", "soon", file.toString())).isEqualTo(2);
    assertThat(err.toString()).contains("'soon' is not a duration (write it like 200ms, 1.5s or 2m)");
  }

  @Test
  void serveRefusesAConnectionCapBelowOneAsAUsageError() throws Exception {
    Path file = write("good.capnp", GOOD);
    assertThat(run(false, "serve", "--max-connections-per-ip", "0", file.toString())).isEqualTo(2);
    assertThat(err.toString()).contains("maxConnectionsPerIp: 0 (expected: >= 1)");
  }

  @Test
  void checkPrintsASummaryAndExitsZero() throws Exception {
    Path file = write("good.capnp", GOOD);
    assertThat(run(false, "check", file.toString())).isZero();
    assertThat(out.toString()).contains(": ok\n", "services: 4\n", "  worker (2): main, api\n",
        "  kv (1): db\n", "  network (1): internet\n", "  main: 3 bindings, no outbound\n",
        "  api: 0 bindings, outbound internet\n", "  http: http 127.0.0.1:8080 -> main\n");
    assertThat(err.toString()).isEmpty();
  }

  @Test
  void checkPrintsEveryDiagnosticWithCaretAndExitsOne() throws Exception {
    Path file = write("bad.capnp", BAD);
    assertThat(run(false, "check", file.toString())).isEqualTo(1);
    assertThat(err.toString())
        .contains(file + ":4:76: error: Worker \"main\"'s binding \"A\" refers to a service \"nope\", but no such service is defined.\n")
        .contains(file + ":5:79: error: Socket \"http\" refers to a service \"mian\"")
        .contains("    hint: did you mean 'main'?\n")
        .contains("^~~~~~")
        .endsWith("2 errors\n");
    assertThat(out.toString()).isEmpty();
  }

  @Test
  void usageErrorsExitTwo() throws Exception {
    assertThat(run(false)).isEqualTo(2);
    assertThat(err.toString()).contains("a subcommand is required", "Usage: runner");
    assertThat(run(false, "check")).isEqualTo(2);
    assertThat(run(false, "frobnicate")).isEqualTo(2);
    assertThat(run(false, "capabilities", write("g.capnp", GOOD).toString(), "--no-such-flag")).isEqualTo(2);
  }

  @Test
  void missingFileIsAConfigError() {
    assertThat(run(false, "check", dir.resolve("absent.capnp").toString())).isEqualTo(1);
    assertThat(err.toString()).contains("absent.capnp: no such file");
  }

  @Test
  void compileWritesTheBinaryToAFileOrStdoutButNotToATerminal() throws Exception {
    Path file = write("good.capnp", GOOD);
    Path bin = dir.resolve("out.bin");
    assertThat(run(true, "compile", file.toString(), "-o", bin.toString())).isZero();
    byte[] written = Files.readAllBytes(bin);
    assertThat(written.length).isGreaterThan(8);
    assertThat(written.length % 8).isZero();

    assertThat(run(false, "compile", file.toString())).isZero();
    assertThat(binary.toByteArray()).isEqualTo(written);

    binary.reset();
    assertThat(run(true, "compile", file.toString())).isEqualTo(2);
    assertThat(binary.size()).isZero();
    assertThat(err.toString()).contains("refusing to write a binary message to a terminal");
  }

  @Test
  void compileOfABadConfigWritesNothing() throws Exception {
    Path bin = dir.resolve("out.bin");
    assertThat(run(false, "compile", write("bad.capnp", BAD).toString(), "-o", bin.toString())).isEqualTo(1);
    assertThat(bin).doesNotExist();
  }

  @Test
  void capabilitiesListDirectAndTransitiveResourcesWithoutSecretValues() throws Exception {
    Path file = write("good.capnp", GOOD);
    assertThat(run(false, "capabilities", file.toString())).isZero();
    assertThat(out.toString()).contains("worker main  [network egress]\n", "  secret TOKEN\n",
        "  kv db: embedded /tmp/db\n", "  worker api\n",
        "  network internet: allow [public] deny [10.0.0.0/8]  via api\n",
        "worker api  [network egress]\n").doesNotContain("s3cr3t");

    out.getBuffer().setLength(0);
    assertThat(run(false, "capabilities", file.toString(), "--json")).isZero();
    assertThat(out.toString()).contains("\"service\" : \"main\"", "\"networkEgress\" : true",
        "\"via\" : [ \"api\" ]").doesNotContain("s3cr3t");
  }
}
