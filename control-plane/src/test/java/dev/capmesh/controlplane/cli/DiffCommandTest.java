package dev.capmesh.controlplane.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.capmesh.compiler.ConfigCompiler;
import dev.capmesh.compiler.ConfigException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code control-plane diff} driven in-process: output and exit status 0, 1 and 2. */
class DiffCommandTest {
  @TempDir Path dir;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  /** {@code control-plane ARGS}, in-process. */
  private int run(String... args) {
    return new ControlPlaneMain(new PrintWriter(out), new PrintWriter(err)).run(args);
  }

  /** The diff command alone on a picocli CommandLine with captured writers: no main class involved. */
  private int diff(String... args) {
    var cli = new CommandLine(new DiffCommand());
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int code = cli.execute(args);
    cli.getOut().flush();
    cli.getErr().flush();
    return code;
  }

  private String write(String name, String text) throws Exception {
    Path p = dir.resolve(name);
    Files.writeString(p, text);
    return p.toString();
  }

  private static String config(String checkoutBindings, String outbound) {
    return """
        using Workerd = import "/workerd/workerd.capnp";
        const config :Workerd.Config = (
          services = [
            (name = "checkout", worker = (modules = [(name = "w.js", esModule = "export default {}")],
                compatibilityDate = "2024-09-01", bindings = [%s]%s)),
            (name = "sessions-prod", kv = (embedded = (path = "/tmp/sessions"))),
            (name = "internet", network = (allow = ["public"])),
          ],
          sockets = [(name = "http", address = "127.0.0.1:8080", http = (), service = "checkout")],
        );
        """.formatted(checkoutBindings, outbound);
  }

  private static final String OLD = config("(name = \"API_KEY\", secret = \"old-s3cret\")",
      ", globalOutbound = \"internet\"");
  private static final String NEW = config("(name = \"API_KEY\", secret = \"new-s3cret\"), "
      + "(name = \"SESSIONS\", kvNamespace = \"sessions-prod\")", "");

  @Test
  void sameConfigsExitZeroAndPrintNothing() throws Exception {
    String a = write("a.capnp", OLD);
    String b = write("b.capnp", OLD);
    assertThat(diff(a, b)).isZero();
    assertThat(out.toString()).isEmpty();
    assertThat(err.toString()).isEmpty();

    assertThat(diff("--json", a, b)).isZero();
    assertThat(out.toString()).contains("\"differ\" : false");
  }

  @Test
  void differentPrivilegesExitOneWithGainsLossesAndNoSecretValue() throws Exception {
    assertThat(diff(write("old.capnp", OLD), write("new.capnp", NEW))).isEqualTo(1);
    assertThat(out.toString()).isEqualTo("""
        worker "checkout" gains: kvNamespace SESSIONS -> service "sessions-prod" (kv: embedded /tmp/sessions)
        worker "checkout" loses: network egress (globalOutbound "internet": allow [public])
        worker "checkout": secret API_KEY changed
        """);
    assertThat(err.toString()).isEmpty();

    out.getBuffer().setLength(0);
    assertThat(diff(dir.resolve("old.capnp").toString(), dir.resolve("new.capnp").toString(), "--json"))
        .isEqualTo(1);
    assertThat(out.toString()).contains("\"differ\" : true", "\"credentialsChanged\" : [ \"secret API_KEY\" ]");
    assertThat(out.toString() + err).doesNotContain("s3cret");
  }

  @Test
  void aConfigWithErrorsExitsTwoWithTheCompilersOwnMessages() throws Exception {
    String bad = write("bad.capnp", OLD.replace("service = \"checkout\"", "service = \"chekout\"")
        .replace("bindings = [", "bindings = [(name = \"X\", service = \"nope\"), "));
    String good = write("good.capnp", NEW);
    ConfigException expected = catchThrowableOfType(ConfigException.class,
        () -> ConfigCompiler.create().compile(Path.of(bad), null));
    assertThat(expected.diagnostics()).hasSize(2);

    assertThat(diff(bad, good)).isEqualTo(2);
    assertThat(out.toString()).isEmpty();
    assertThat(err.toString()).isEqualTo(expected.format() + "2 errors in " + bad + "\n");
    assertThat(err.toString()).contains(bad + ":5:").contains(bad + ":9:");

    err.getBuffer().setLength(0);
    assertThat(diff(good, bad)).isEqualTo(2);
    assertThat(err.toString()).isEqualTo(expected.format() + "2 errors in " + bad + "\n");
  }

  @Test
  void missingFilesAndBadUsageExitTwo() throws Exception {
    String good = write("good.capnp", OLD);
    assertThat(diff(good, dir.resolve("absent.capnp").toString())).isEqualTo(2);
    assertThat(err.toString()).contains("absent.capnp: no such file");
    assertThat(out.toString()).isEmpty();

    Path binary = dir.resolve("config.bin");
    Files.write(binary, new byte[] {0, 0, 0, 0, (byte) 0xff, (byte) 0xfe});
    assertThat(diff(binary.toString(), good)).isEqualTo(2);
    assertThat(err.toString()).contains("config.bin is not UTF-8 text");
    assertThat(diff(dir.toString(), good)).isEqualTo(2);
    assertThat(out.toString()).isEmpty();

    assertThat(diff(good)).isEqualTo(2);
    assertThat(err.toString()).contains("Missing required parameter", "Usage: diff");
    assertThat(diff(good, good, "--frobnicate")).isEqualTo(2);
  }

  @Test
  void theControlPlaneMainRunsDiffWithTheSameExitStatus() throws Exception {
    assertThat(run("diff", write("old.capnp", OLD), write("new.capnp", NEW))).isEqualTo(1);
    assertThat(out.toString()).startsWith("worker \"checkout\" gains: kvNamespace SESSIONS");
    assertThat(run("diff", dir.resolve("old.capnp").toString(), dir.resolve("old.capnp").toString())).isZero();
    assertThat(run("diff", dir.resolve("old.capnp").toString())).isEqualTo(2);
    assertThat(run()).isEqualTo(2);
    assertThat(run("frobnicate")).isEqualTo(2);

    out.getBuffer().setLength(0);
    assertThat(run("diff", "--help")).isZero();
    assertThat(out.toString()).startsWith("Usage: control-plane diff ")
        .contains("OLD", "NEW", "--json", "Exit status:", "privileges differ");
    assertThat(run("help", "diff")).isZero();
  }

  /** {@code --version} and {@code -V} name the release the build wrote into it. */
  @Test
  void versionNamesTheRelease() {
    assertThat(run("--version")).isZero();
    assertThat(out.toString()).matches("capmesh control-plane \\d+\\.\\d+\\.\\d+(-[A-Za-z0-9.]+)?\\R");
    out.getBuffer().setLength(0);
    assertThat(run("-V")).isZero();
    assertThat(out.toString()).startsWith("capmesh control-plane ");
  }
}
