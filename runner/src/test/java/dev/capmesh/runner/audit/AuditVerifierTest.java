package dev.capmesh.runner.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every way of tampering with a rotated audit log is found, and named by file, line and seq. */
class AuditVerifierTest {
  @TempDir Path dir;
  private Path active;
  private Path older;
  private Path oldest;

  @BeforeEach void writeALog() throws Exception {
    active = dir.resolve("audit.log");
    try (AuditLog log = AuditLog.toFile(active).maxBytes(4_000).keep(5).open()) {
      for (int i = 1; i <= 36; i++) {
        log.used(AuditLogTest.use(i));
      }
    }
    List<Path> files = all();
    assertThat(files).hasSizeGreaterThanOrEqualTo(3);
    oldest = files.get(0);
    older = dir.resolve("audit.log.1");
    assertThat(lines(active)).hasSizeGreaterThanOrEqualTo(6);
  }

  private List<Path> all() throws Exception {
    var files = new ArrayList<Path>();
    for (int i = 5; i >= 1; i--) {
      if (Files.exists(dir.resolve("audit.log." + i))) {
        files.add(dir.resolve("audit.log." + i));
      }
    }
    files.add(active);
    return files;
  }

  private AuditVerifier.Result verify() throws Exception {
    return AuditVerifier.verify(all(), null, true);
  }

  private static List<String> lines(Path p) throws Exception {
    return new ArrayList<>(Files.readAllLines(p, StandardCharsets.UTF_8));
  }

  private static void write(Path p, List<String> lines) throws Exception {
    Files.writeString(p, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
  }

  private static long seqOf(String line) {
    int at = line.indexOf("\"seq\":") + 6;
    return Long.parseLong(line.substring(at, line.indexOf(',', at)));
  }

  @Test void anUntouchedLogIsIntact() throws Exception {
    AuditVerifier.Result r = verify();
    assertThat(r.problems()).isEmpty();
    assertThat(r.firstSeq()).isEqualTo(1);
    assertThat(r.lastSeq()).isEqualTo(r.lines());
    assertThat(r.checkpoint()).isEqualTo(dir.resolve("audit.log.checkpoint"));
  }

  @Test void anEditedLineIsNamed() throws Exception {
    List<String> lines = lines(older);
    String victim = lines.get(3);
    lines.set(3, victim.replace("\"outcome\":\"OK\"", "\"outcome\":\"ERROR\""));
    write(older, lines);
    assertThat(verify().problems()).containsExactly(
        older + ":4 (seq " + seqOf(victim) + "): edited: the line does not match its hash");
  }

  @Test void anEditedLineWithARecomputedHashIsFoundAtTheNextLine() throws Exception {
    List<String> lines = lines(older);
    String edited = lines.get(3).replace("\"outcome\":\"OK\"", "\"outcome\":\"ERROR\"");
    lines.set(3, rehash(edited));
    write(older, lines);
    assertThat(verify().problems()).singleElement().asString()
        .startsWith(older + ":5 (seq " + (seqOf(edited) + 1) + "): the line before it (" + older + ":4, seq "
            + seqOf(edited) + ") is not the line this one was chained to");
  }

  /** The line with its hash recomputed over its (edited) content, as a forger would. */
  private static String rehash(String line) throws Exception {
    int at = line.lastIndexOf(",\"hash\":\"");
    String content = line.substring(0, at) + "}";
    String hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
        .digest(content.getBytes(StandardCharsets.UTF_8)));
    return line.substring(0, at) + ",\"hash\":\"" + hash + "\"}";
  }

  @Test void aDeletedLineIsNamed() throws Exception {
    List<String> lines = lines(older);
    String removed = lines.remove(3);
    write(older, lines);
    long seq = seqOf(removed);
    assertThat(verify().problems()).containsExactly(older + ":4 (seq " + (seq + 1)
        + "): 1 line(s) deleted before this line (seq " + seq + " missing after " + older + ":3)");
  }

  @Test void reorderedLinesAreNamed() throws Exception {
    List<String> lines = lines(older);
    String a = lines.get(3);
    lines.set(3, lines.get(4));
    lines.set(4, a);
    write(older, lines);
    assertThat(verify().problems()).anySatisfy(p -> assertThat(p)
        .isEqualTo(older + ":5 (seq " + seqOf(a) + "): out of order: comes after seq " + (seqOf(a) + 1)
            + " (" + older + ":4): lines were moved or repeated"));
  }

  @Test void aTruncatedTailIsFoundAgainstTheCheckpoint() throws Exception {
    List<String> lines = lines(active);
    long last = seqOf(lines.get(lines.size() - 1));
    write(active, lines.subList(0, lines.size() - 3));
    assertThat(verify().problems()).singleElement().asString()
        .startsWith("truncated: the checkpoint " + dir.resolve("audit.log.checkpoint"))
        .contains("records seq " + last + ", but the log ends at seq " + (last - 3) + " (" + active + ":"
            + (lines.size() - 3) + "): the last 3 line(s) were removed");
  }

  @Test void aLineCutInTheMiddleIsNamed() throws Exception {
    String text = Files.readString(active);
    Files.writeString(active, text.substring(0, text.length() - 40));
    List<String> problems = verify().problems();
    assertThat(problems).anySatisfy(p -> assertThat(p).startsWith(active + ":" + lines(active).size()
        + ": the last line is cut off"));
    assertThat(problems).anySatisfy(p -> assertThat(p).contains("that the checkpoint")
        .contains("records is missing or damaged"));
  }

  @Test void aFileMissingFromTheMiddleIsNamed() throws Exception {
    List<String> gone = lines(older);
    List<Path> files = new ArrayList<>(all());
    files.remove(older);
    List<String> problems = AuditVerifier.verify(files, null, true).problems();
    Path beforeFile = all().get(all().indexOf(older) - 1);
    List<String> before = lines(beforeFile);
    assertThat(problems).containsExactly(active + ":1 (seq " + (seqOf(gone.get(gone.size() - 1)) + 1)
        + "): " + gone.size() + " line(s) missing between " + beforeFile + ":" + before.size() + " (seq "
        + seqOf(before.get(before.size() - 1)) + ") and " + active
        + ": a file in the middle is missing or was cut (seq " + seqOf(gone.get(0)) + " to "
        + seqOf(gone.get(gone.size() - 1)) + ")");
  }

  @Test void theOldestFileMissingIsFoundThroughTheCheckpoint() throws Exception {
    List<Path> files = new ArrayList<>(all());
    files.remove(oldest);
    assertThat(AuditVerifier.verify(files, null, true).problems()).singleElement().asString()
        .contains("files are missing at the start: the checkpoint says the log starts at seq 1");
  }

  @Test void linesRemovedFromTheStartOfAFileAreNamed() throws Exception {
    List<String> lines = lines(older);
    write(older, lines.subList(2, lines.size()));
    assertThat(verify().problems()).contains(older + ":1 (seq " + seqOf(lines.get(2))
        + "): the file does not start with its \"file\" line: lines were removed from its beginning");
  }

  @Test void aReplacedCheckpointedLineIsNamed() throws Exception {
    // Forge the whole tail: edit the last line and recompute its hash; only the checkpoint knows.
    List<String> lines = lines(active);
    int last = lines.size() - 1;
    lines.set(last, rehash(lines.get(last).replaceFirst("\"written\":\\d+", "\"written\":1")));
    write(active, lines);
    assertThat(verify().problems()).singleElement().asString()
        .startsWith(active + ":" + (last + 1) + " (seq " + seqOf(lines.get(last)) + "): not the line the "
            + "checkpoint records");
  }

  @Test void withoutACheckpointATruncatedTailCannotBeToldAndTheReportSaysSo() throws Exception {
    Files.delete(dir.resolve("audit.log.checkpoint"));
    AuditVerifier.Result r = verify();
    assertThat(r.problems()).isEmpty();
    assertThat(r.notes()).anySatisfy(n -> assertThat(n).startsWith("no checkpoint found"));
  }
}
