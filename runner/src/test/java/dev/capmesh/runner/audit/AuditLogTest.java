package dev.capmesh.runner.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.capmesh.runner.observe.BindingUse;
import dev.capmesh.runner.observe.BindingUse.Outcome;
import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The audit log's lines, chain, rotation, checkpoint, queue and failure modes, on real files. */
class AuditLogTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path dir;

  static BindingUse use(int i) {
    return new BindingUse(Instant.parse("2026-11-29T10:00:00Z").plusMillis(i), "req-" + i, "api",
        "KV", "kv", "get", "user:" + i, Outcome.OK, 5, 0, 12_345);
  }

  static List<JsonNode> lines(Path file) throws IOException {
    var out = new ArrayList<JsonNode>();
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      out.add(JSON.readTree(line));
    }
    return out;
  }

  static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting until " + what);
      }
      Thread.sleep(5);
    }
  }

  @Test void oneChainedLinePerUseWithEveryField() throws Exception {
    Path file = dir.resolve("audit.log");
    try (AuditLog log = AuditLog.toFile(file).runnerId("r1").open()) {
      for (int i = 1; i <= 3; i++) {
        log.used(use(i));
      }
    }
    List<JsonNode> lines = lines(file);
    assertThat(lines).extracting(j -> j.path("event").asText("use"))
        .containsExactly("file", "open", "use", "use", "use", "close");
    JsonNode first = lines.get(2);
    assertThat(first.fieldNames()).toIterable().containsExactly("time", "seq", "requestId", "runner",
        "worker", "binding", "kind", "op", "target", "outcome", "bytesIn", "bytesOut", "durationUs",
        "prev", "hash");
    assertThat(first.get("time").asText()).isEqualTo("2026-11-29T10:00:00.001Z");
    assertThat(first.get("requestId").asText()).isEqualTo("req-1");
    assertThat(first.get("runner").asText()).isEqualTo("r1");
    assertThat(first.get("target").asText()).isEqualTo("user:1");
    assertThat(first.get("outcome").asText()).isEqualTo("OK");
    assertThat(first.get("bytesIn").asLong()).isEqualTo(5);
    assertThat(first.get("durationUs").asLong()).isEqualTo(12);
    assertThat(lines.get(0).get("prev").asText()).isEqualTo(AuditFormat.GENESIS);
    for (int i = 0; i < lines.size(); i++) {
      assertThat(lines.get(i).get("seq").asLong()).isEqualTo(i + 1);
      if (i > 0) {
        assertThat(lines.get(i).get("prev").asText()).isEqualTo(lines.get(i - 1).get("hash").asText());
      }
    }
    AuditVerifier.Result r = AuditVerifier.verify(List.of(file), null, true);
    assertThat(r.problems()).isEmpty();
    assertThat(r.lastSeq()).isEqualTo(6);
    assertThat(r.checkpoint()).isEqualTo(dir.resolve("audit.log.checkpoint"));
  }

  /**
   * A worker chooses its keys, paths and RPC method names: a lone surrogate, control characters,
   * quotes or non-ASCII text in a target must come out as one valid JSON line, and the log goes on.
   */
  @Test void hostileTargetsAreWrittenAsValidLinesAndTheLogGoesOn() throws Exception {
    Path file = dir.resolve("audit.log");
    String[] targets = {"\uD800lone", "tail\uDC00", "\uDFFF\uD800", "q\"uote\\back\u0000\u001f\n\t\u007f",
        "caf\u00e9 \u65e5\u672c \uD83D\uDE00", "\u2028\u2029</script>"};
    try (AuditLog log = AuditLog.toFile(file).runnerId("r\"1").open()) {
      for (String t : targets) {
        log.used(new BindingUse(Instant.parse("2026-11-29T10:00:00Z"), "req", "api", "KV", "kv", "get", t,
            Outcome.OK, 0, 0, 0));
      }
      log.used(use(1));
    }
    List<JsonNode> lines = lines(file);
    assertThat(lines).extracting(j -> j.path("target").asText("-")).containsExactly("-", "-",
        "\uD800lone", "tail\uDC00", "\uDFFF\uD800", "q\"uote\\back\u0000\u001f\n\t\u007f",
        "caf\u00e9 \u65e5\u672c \uD83D\uDE00", "\u2028\u2029</script>", "user:1", "-");
    assertThat(lines.get(2).get("runner").asText()).isEqualTo("r\"1");
    assertThat(Files.readAllLines(file, StandardCharsets.UTF_8)).hasSize(10);
    AuditVerifier.Result r = AuditVerifier.verify(List.of(file), null, true);
    assertThat(r.problems()).isEmpty();
    assertThat(r.lastSeq()).isEqualTo(10);
  }

  @Test void rotationChainsTheFilesAndKeepsTheNewest() throws Exception {
    Path file = dir.resolve("audit.log");
    try (AuditLog log = AuditLog.toFile(file).maxBytes(2_000).keep(2).open()) {
      for (int i = 1; i <= 60; i++) {
        log.used(use(i));
      }
    }
    assertThat(dir.resolve("audit.log.1")).exists();
    assertThat(dir.resolve("audit.log.2")).exists();
    assertThat(dir.resolve("audit.log.3")).doesNotExist();
    for (Path p : List.of(file, dir.resolve("audit.log.1"), dir.resolve("audit.log.2"))) {
      assertThat(Files.size(p)).isLessThanOrEqualTo(2_000);
      assertThat(lines(p).get(0).get("event").asText()).isEqualTo("file");
    }
    // the first line of each file is chained to the last line of the one before
    List<JsonNode> older = lines(dir.resolve("audit.log.1"));
    assertThat(lines(file).get(0).get("prev").asText())
        .isEqualTo(older.get(older.size() - 1).get("hash").asText());
    // in any order on the command line
    AuditVerifier.Result r = AuditVerifier.verify(List.of(file, dir.resolve("audit.log.2"),
        dir.resolve("audit.log.1")), null, true);
    assertThat(r.problems()).isEmpty();
    assertThat(r.firstSeq()).isGreaterThan(1);
    // the checkpoint knows where the kept files start: leaving out the oldest is found
    assertThat(AuditVerifier.verify(List.of(dir.resolve("audit.log.1"), file), null, true).problems())
        .singleElement().asString().contains("files are missing at the start");
  }

  @Test void aRestartContinuesTheChain() throws Exception {
    Path file = dir.resolve("audit.log");
    try (AuditLog log = AuditLog.toFile(file).open()) {
      log.used(use(1));
    }
    try (AuditLog log = AuditLog.toFile(file).open()) {
      log.used(use(2));
    }
    List<JsonNode> lines = lines(file);
    assertThat(lines).extracting(j -> j.path("event").asText("use"))
        .containsExactly("file", "open", "use", "close", "open", "use", "close");
    assertThat(lines.get(4).has("problem")).isFalse();
    assertThat(AuditVerifier.verify(List.of(file), null, true).problems()).isEmpty();
  }

  @Test void theCheckpointFollowsTheLogWhileItRuns() throws Exception {
    Path file = dir.resolve("audit.log");
    Path cp = dir.resolve("audit.log.checkpoint");
    try (AuditLog log = AuditLog.toFile(file).checkpointInterval(Duration.ofMillis(20)).open()) {
      for (int i = 1; i <= 5; i++) {
        log.used(use(i));
      }
      // file, open and 5 uses: seq 7, checkpointed without closing
      await(() -> checkpointSeq(cp) == 7, "the checkpoint reaches seq 7");
    }
    assertThat(checkpointSeq(cp)).isEqualTo(8); // and the close line
  }

  private static long checkpointSeq(Path cp) {
    try {
      return JSON.readTree(Files.readString(cp)).get("seq").asLong();
    } catch (IOException e) {
      return -1;
    }
  }

  @Test void linesRemovedWhileStoppedAreFoundAtTheNextStart() throws Exception {
    Path file = dir.resolve("audit.log");
    try (AuditLog log = AuditLog.toFile(file).open()) {
      for (int i = 1; i <= 5; i++) {
        log.used(use(i));
      }
    }
    List<String> all = Files.readAllLines(file);
    Files.write(file, all.subList(0, all.size() - 2));
    try (AuditLog log = AuditLog.toFile(file).open()) {
      log.used(use(6));
    }
    List<JsonNode> lines = lines(file);
    JsonNode reopened = lines.stream().filter(j -> j.path("event").asText().equals("open")).toList().get(1);
    assertThat(reopened.get("problem").asText()).contains("the checkpoint records seq 8")
        .contains("ends at seq 6").contains("removed while the runner was stopped");
    assertThat(AuditVerifier.verify(List.of(file), null, true).problems())
        .anySatisfy(p -> assertThat(p).contains("the runner found, when it opened the log"));
  }

  @Test void theRunnersSecretsAreRedactedFromTargets() throws Exception {
    Path file = dir.resolve("audit.log");
    String secret = "hunter2-very-secret";
    try (AuditLog log = AuditLog.toFile(file).open()) {
      log.redactor(t -> t.replace(secret, "[REDACTED]"));
      log.used(new BindingUse(Instant.now(), "r", "api", "KV", "kv", "get", "k-" + secret,
          Outcome.OK, 0, 0, 0));
    }
    String text = Files.readString(file);
    assertThat(text).doesNotContain(secret).contains("k-[REDACTED]");
    assertThat(AuditVerifier.verify(List.of(file), null, true).problems()).isEmpty();
  }

  @Test void standardOutputGetsTheSameChainedLines() throws Exception {
    var out = new java.io.ByteArrayOutputStream();
    try (AuditLog log = AuditLog.toStream(out).open()) {
      log.used(use(1));
    }
    Path copy = dir.resolve("captured.log");
    Files.write(copy, out.toByteArray());
    assertThat(lines(copy)).extracting(j -> j.path("event").asText("use"))
        .containsExactly("file", "open", "use", "close");
    assertThat(AuditVerifier.verify(List.of(copy), null, false).problems()).isEmpty();
  }

  /** A pipe nobody reads yet: the writer blocks on it, so the queue fills for real. */
  private static final class StalledPipe {
    final PipedInputStream in = new PipedInputStream(1024);
    final PipedOutputStream out;
    final java.io.ByteArrayOutputStream drained = new java.io.ByteArrayOutputStream();

    StalledPipe() throws IOException {
      out = new PipedOutputStream(in);
    }

    Thread drain() {
      return Thread.ofPlatform().start(() -> {
        try {
          in.transferTo(drained);
        } catch (IOException e) {
          // closed
        }
      });
    }
  }

  @Test void failingOpenAFullQueueDropsCountsAndWritesItDown() throws Exception {
    var pipe = new StalledPipe();
    AuditLog log = AuditLog.toStream(pipe.out).queueCapacity(4).open();
    Thread reader = null;
    try {
      for (int i = 1; i <= 200; i++) {
        log.used(use(i));
        assertThat(log.refusal()).isNull(); // failing open never refuses
      }
      assertThat(log.stats().dropped()).isPositive();
      reader = pipe.drain();
    } finally {
      if (reader == null) {
        reader = pipe.drain();
      }
      log.close();
      pipe.out.close();
      reader.join();
    }
    Path copy = dir.resolve("captured.log");
    Files.write(copy, pipe.drained.toByteArray());
    List<JsonNode> lines = lines(copy);
    long dropped = lines.stream().filter(j -> j.path("event").asText().equals("dropped"))
        .mapToLong(j -> j.get("count").asLong()).sum();
    long uses = lines.stream().filter(j -> !j.has("event")).count();
    assertThat(dropped).isEqualTo(log.stats().dropped());
    assertThat(uses + dropped).isEqualTo(200);
    AuditVerifier.Result r = AuditVerifier.verify(List.of(copy), null, false);
    assertThat(r.problems()).isEmpty();
    assertThat(r.notes()).anySatisfy(n -> assertThat(n).contains("were not recorded"));
  }

  @Test void failingClosedAFullQueueRefusesNewUsesAndDropsNothing() throws Exception {
    var pipe = new StalledPipe();
    AuditLog log = AuditLog.toStream(pipe.out).queueCapacity(4).failClosed(true).open();
    Thread reader;
    int offered = 0;
    try {
      // Uses that were under way when the queue filled are kept, and new ones are refused.
      while (log.refusal() == null && offered < 10_000) {
        log.used(use(++offered));
      }
      assertThat(log.refusal()).contains("the audit log is behind").contains("--audit-fail-closed");
      log.used(use(++offered)); // one more under way: kept, not dropped
      reader = pipe.drain();
      await(() -> log.refusal() == null, "the log caught up");
    } finally {
      log.close();
    }
    pipe.out.close();
    reader.join();
    assertThat(log.stats().dropped()).isZero();
    Path copy = dir.resolve("captured.log");
    Files.write(copy, pipe.drained.toByteArray());
    assertThat(lines(copy).stream().filter(j -> !j.has("event")).count()).isEqualTo(offered);
    assertThat(AuditVerifier.verify(List.of(copy), null, false).problems()).isEmpty();
  }

  @Test void aLogThatCannotBeCreatedFailsToOpenEvenForRoot() throws Exception {
    // A path whose parent is a regular file: ENOTDIR for every user, root included (chmod would
    // not stop root).
    Path notADirectory = Files.writeString(dir.resolve("plain-file"), "x");
    assertThatThrownBy(() -> AuditLog.toFile(notADirectory.resolve("audit.log")).open())
        .isInstanceOf(IOException.class);
  }

  @Test void aFullDiskFailsTheOpen() throws Exception {
    Path full = Path.of("/dev/full");
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(full), "/dev/full exists (Linux)");
    assertThatThrownBy(() -> AuditLog.toFile(full).checkpointFile(dir.resolve("cp")).open())
        .isInstanceOf(IOException.class).hasMessageContaining("No space left on device");
    assertThat(full).exists();
  }

  /**
   * Makes {@code logDir} unwritable for everyone, root included: moves it aside and puts a regular
   * file in its place. Returns where it went.
   */
  private Path breakDirectory(Path logDir) throws IOException {
    Path aside = dir.resolve("aside");
    Files.move(logDir, aside);
    Files.writeString(logDir, "not a directory any more");
    return aside;
  }

  private static void repairDirectory(Path logDir, Path aside) throws IOException {
    Files.delete(logDir);
    Files.move(aside, logDir);
  }

  @Test void failingOpenAnUnwritableLogIsReportedAndUsesGoOn() throws Exception {
    Path logDir = Files.createDirectories(dir.resolve("logs"));
    Path file = logDir.resolve("audit.log");
    AuditLog log = AuditLog.toFile(file).checkpointInterval(Duration.ofMillis(20))
        .reportInterval(Duration.ofMillis(50)).open();
    try {
      log.used(use(1));
      Path aside = breakDirectory(logDir);
      await(() -> log.stats().failing(), "the log notices it cannot write");
      for (int i = 2; i <= 5; i++) {
        log.used(use(i));
        assertThat(log.refusal()).isNull();
      }
      long failures = log.stats().writeFailures();
      await(() -> log.stats().writeFailures() > failures, "the log retries");
      repairDirectory(logDir, aside);
      await(() -> !log.stats().failing(), "the log writes again");
    } finally {
      log.close();
    }
    List<JsonNode> lines = lines(file);
    assertThat(lines.stream().filter(j -> !j.has("event")).count()).isEqualTo(5);
    JsonNode outage = lines.stream().filter(j -> j.path("event").asText().equals("unwritable"))
        .findFirst().orElseThrow();
    assertThat(outage.get("error").asText()).isNotEmpty();
    AuditVerifier.Result r = AuditVerifier.verify(List.of(file), null, true);
    assertThat(r.problems()).isEmpty();
    assertThat(r.notes()).anySatisfy(n -> assertThat(n).contains("could not be written"));
  }

  @Test void failingClosedAnUnwritableLogRefusesUsesUntilItWritesAgain() throws Exception {
    Path logDir = Files.createDirectories(dir.resolve("logs"));
    Path file = logDir.resolve("audit.log");
    AuditLog log = AuditLog.toFile(file).failClosed(true).checkpointInterval(Duration.ofMillis(20))
        .reportInterval(Duration.ofMillis(50)).open();
    try {
      log.used(use(1));
      assertThat(log.refusal()).isNull();
      Path aside = breakDirectory(logDir);
      await(() -> log.refusal() != null, "uses are refused");
      assertThat(log.refusal()).contains("cannot be written").contains("--audit-fail-closed")
          .doesNotContain(dir.toString());
      log.used(use(2)); // a use already under way when the log broke: kept
      repairDirectory(logDir, aside);
      await(() -> log.refusal() == null, "uses are allowed again");
    } finally {
      log.close();
    }
    assertThat(log.stats().dropped()).isZero();
    assertThat(lines(file).stream().filter(j -> !j.has("event")).count()).isEqualTo(2);
    // Moving the directory aside may reach the writer as "the file was removed" (it reopens and
    // says so on record) or only as a failed write, depending on when it next writes: the chain
    // itself is intact either way.
    assertThat(AuditVerifier.verify(List.of(file), null, true).problems())
        .allSatisfy(p -> assertThat(p).contains("was removed while in use"));
  }

  @Test void aLogFileRemovedWhileInUseIsReplacedAndTheLossIsOnRecord() throws Exception {
    Path file = dir.resolve("audit.log");
    AuditLog log = AuditLog.toFile(file).checkpointInterval(Duration.ofMillis(20)).open();
    try {
      log.used(use(1));
      await(() -> checkpointSeq(dir.resolve("audit.log.checkpoint")) == 3, "checkpointed");
      Path old = Files.move(file, dir.resolve("stolen.log"));
      await(() -> Files.exists(file), "a new file is started");
      log.used(use(2));
      assertThat(old).exists();
    } finally {
      log.close();
    }
    List<JsonNode> lines = lines(file);
    assertThat(lines.get(0).get("event").asText()).isEqualTo("file");
    assertThat(lines.get(1).get("event").asText()).isEqualTo("reopen");
    assertThat(lines.get(1).get("problem").asText()).contains("was removed while in use");
    // The verifier says so: the lines before are not in the file given, and the runner said why.
    assertThat(AuditVerifier.verify(List.of(file), null, true).problems())
        .anySatisfy(p -> assertThat(p).contains("was removed while in use"));
    assertThat(AuditVerifier.verify(List.of(dir.resolve("stolen.log"), file), null, true).problems())
        .singleElement().asString().contains("was removed while in use");
  }
}
