package dev.capmesh.runner.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.capmesh.runner.audit.AuditLog;
import dev.capmesh.runner.observe.BindingUse;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code runner audit verify}: exit codes and where it says the chain breaks. */
class AuditCommandTest {
  @TempDir Path dir;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();
  private Path log;

  private int run(String... args) {
    return new RunnerMain(new PrintWriter(out), new PrintWriter(err), new ByteArrayOutputStream(), false)
        .run(args);
  }

  @BeforeEach void writeALog() throws Exception {
    log = dir.resolve("audit.log");
    try (AuditLog audit = AuditLog.toFile(log).maxBytes(3_000).keep(5).runnerId("r1").open()) {
      for (int i = 1; i <= 20; i++) {
        audit.used(new BindingUse(Instant.parse("2026-11-29T10:00:00Z").plusSeconds(i), "req-" + i,
            "api", "KV", "kv", "get", "user:" + i, BindingUse.Outcome.OK, 5, 0, 1000));
      }
    }
  }

  private List<String> files() {
    var files = new ArrayList<String>();
    for (int i = 9; i >= 1; i--) {
      if (Files.exists(dir.resolve("audit.log." + i))) {
        files.add(dir.resolve("audit.log." + i).toString());
      }
    }
    files.add(log.toString());
    return files;
  }

  private int verify(List<String> files) {
    var args = new ArrayList<>(List.of("audit", "verify"));
    args.addAll(files);
    return run(args.toArray(String[]::new));
  }

  @Test void anIntactLogExitsZero() {
    assertThat(files()).hasSizeGreaterThan(2);
    assertThat(verify(files())).isZero();
    assertThat(out.toString()).startsWith("audit: intact: ").contains("seq 1 to ")
        .contains("the chain reaches its checkpoint " + dir.resolve("audit.log.checkpoint"));
  }

  @Test void aGlobThatAlsoMatchesTheCheckpointWorks() {
    var files = new ArrayList<>(files());
    files.add(dir.resolve("audit.log.checkpoint").toString()); // what audit.log* expands to
    assertThat(verify(files)).isZero();
    assertThat(out.toString()).contains((files.size() - 1) + " files").contains("reaches its checkpoint");
  }

  @Test void anEditedLineExitsOneAndSaysWhere() throws Exception {
    Path older = dir.resolve("audit.log.1");
    List<String> lines = new ArrayList<>(Files.readAllLines(older));
    lines.set(2, lines.get(2).replace("user:", "admin:"));
    Files.write(older, lines);
    assertThat(verify(files())).isEqualTo(1);
    assertThat(out.toString()).startsWith("audit: TAMPERED OR DAMAGED: 1 problem (")
        .contains("  " + older + ":3 (seq ").contains("): edited: the line does not match its hash");
  }

  @Test void aTruncatedTailExitsOne() throws Exception {
    List<String> lines = Files.readAllLines(log);
    Files.write(log, lines.subList(0, lines.size() - 1));
    assertThat(verify(files())).isEqualTo(1);
    assertThat(out.toString()).contains("truncated: the checkpoint ").contains("the last 1 line(s) were removed");
  }

  @Test void withoutTheCheckpointTheTailIsNotCheckedAndTheOutputSaysSo() throws Exception {
    List<String> lines = Files.readAllLines(log);
    Files.write(log, lines.subList(0, lines.size() - 1));
    var args = new ArrayList<>(List.of("audit", "verify", "--no-checkpoint"));
    args.addAll(files());
    assertThat(run(args.toArray(String[]::new))).isZero();
  }

  @Test void aMissingFileIsAUsageErrorNotTampering() {
    assertThat(verify(List.of(dir.resolve("nope.log").toString()))).isEqualTo(2);
    assertThat(err.toString()).contains("cannot read ").contains("nope.log");
  }

  @Test void noFilesIsAUsageError() {
    assertThat(run("audit", "verify")).isEqualTo(2);
    assertThat(run("audit")).isEqualTo(2);
  }

  @Test void serveRefusesAnAuditLogItCannotCreateEvenAsRoot() throws Exception {
    // The parent is a regular file: no user, root included, can create the log there.
    Path notADirectory = Files.writeString(dir.resolve("plain"), "x");
    Path config = Files.writeString(dir.resolve("c.capnp"), "using Workerd = import \"/workerd/workerd.capnp\";\n"
        + "const config :Workerd.Config = (services = [], sockets = []);\n");
    assertThat(run("serve", "--audit-log", notADirectory.resolve("audit.log").toString(), config.toString()))
        .isEqualTo(2);
    assertThat(err.toString()).startsWith("runner: cannot write the audit log " + notADirectory.resolve("audit.log"));
  }

  @Test void failClosedWithoutAnAuditLogIsAUsageError() throws Exception {
    Path config = Files.writeString(dir.resolve("c.capnp"), "using Workerd = import \"/workerd/workerd.capnp\";\n"
        + "const config :Workerd.Config = (services = [], sockets = []);\n");
    assertThat(run("serve", "--audit-fail-closed", config.toString())).isEqualTo(2);
    assertThat(err.toString()).contains("--audit-fail-closed needs --audit-log FILE");
  }

  @Test void aMalformedSizeIsAUsageError() throws Exception {
    Path config = Files.writeString(dir.resolve("c.capnp"), "");
    assertThat(run("serve", "--audit-log", "x.log", "--audit-max-bytes", "lots", config.toString())).isEqualTo(2);
    assertThat(err.toString()).contains("'lots' is not a size");
  }
}
