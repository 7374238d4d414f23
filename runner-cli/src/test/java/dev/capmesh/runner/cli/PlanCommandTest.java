package dev.capmesh.runner.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.capmesh.proto.PlanDigest;
import dev.capmesh.proto.v1.RunnerPlan;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bin/runner plan}: what a runner will be given, printed or written, never a secret shown. */
class PlanCommandTest {
  @TempDir Path dir;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    return new RunnerMain(new PrintWriter(out), new PrintWriter(err), new ByteArrayOutputStream(), false)
        .run(args);
  }

  private static final String CONFIG = """
      using Workerd = import "/workerd/workerd.capnp";
      const config :Workerd.Config = (
        services = [
          (name = "main", worker = (modules = [(name = "w.js", esModule = "export default {}")],
              compatibilityDate = "2024-09-01",
              bindings = [(name = "API", service = "api"), (name = "TOKEN", secret = "s3cr3t-value")])),
          (name = "api", worker = (modules = [(name = "a.js", esModule = "export default {}")],
              compatibilityDate = "2024-09-01", globalOutbound = "internet")),
          (name = "internet", network = (allow = ["public"])),
        ],
        sockets = [(name = "http", address = "127.0.0.1:8080", http = (), service = "main")],
      );
      """;

  @Test void theSummaryNamesEveryCapabilityAndNoSecret() throws Exception {
    Path file = Files.writeString(dir.resolve("c.capnp"), CONFIG);
    assertThat(run("plan", file.toString())).as(err.toString()).isZero();
    assertThat(out.toString())
        .contains("env.API: service -> \"api\"", "env.TOKEN: secret [REDACTED]",
            "globalOutbound: \"internet\"", "globalOutbound: none (no internet)",
            "http: http 127.0.0.1:8080 -> \"main\"")
        .doesNotContain("s3cr3t-value");
  }

  @Test void jsonShowsTheWholePlanWithSecretsRedacted() throws Exception {
    Path file = Files.writeString(dir.resolve("c.capnp"), CONFIG);
    assertThat(run("plan", file.toString(), "--json")).as(err.toString()).isZero();
    assertThat(out.toString()).contains("\"secret\" : \"[REDACTED]\"", "\"content\" : \"export default {}\"")
        .doesNotContain("s3cr3t-value");
  }

  @Test void theBinaryPlanIsOwnerOnlyAndReadsBackSealed() throws Exception {
    Path file = Files.writeString(dir.resolve("c.capnp"), CONFIG);
    Path output = dir.resolve("plan.bin");
    assertThat(run("plan", file.toString(), "-o", output.toString())).as(err.toString()).isZero();
    RunnerPlan plan = RunnerPlan.parseFrom(Files.readAllBytes(output));
    PlanDigest.verify(plan);
    assertThat(plan.getServicesCount()).isEqualTo(3);
    assertThat(Files.getPosixFilePermissions(output)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
    assertThat(err.toString()).contains("wrote plan " + PlanDigest.shortVersion(plan.getVersion()));
    assertThat(out.toString()).isEmpty();
  }

  @Test void aConfigTheRunnerCannotServeGetsCheckErrorsAndNoPlan() throws Exception {
    Path file = Files.writeString(dir.resolve("c.capnp"), CONFIG.replace("http = ()", "tcp = ()"));
    Path output = dir.resolve("plan.bin");
    assertThat(run("plan", file.toString(), "-o", output.toString())).isEqualTo(RunnerMain.CONFIG_ERRORS);
    assertThat(err.toString()).contains("c.capnp:").contains("tcp socket");
    assertThat(output).doesNotExist();
  }
}
