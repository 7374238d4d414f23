package dev.capmesh.runner.audit;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Checks the hash chain of audit files ({@code bin/runner audit verify}): every line matches its
 * hash, follows the line before it (seq one more, {@code prev} its hash), across the rotated
 * files in order, and the chain reaches the head recorded in the checkpoint. Reports each problem
 * with its file, line and seq: an edited line, deleted lines, lines out of order, a file missing
 * between two others or at the start, a cut-off tail. Stateless; one call per check.
 */
public final class AuditVerifier {
  private static final Pattern ROTATED = Pattern.compile("^(.*)\\.(\\d+)$");

  private AuditVerifier() {}

  /**
   * What the check found.
   *
   * @param problems signs of tampering or damage, in the order met; empty when the chain holds
   * @param notes facts worth knowing that are not tampering (uses dropped, an outage, where the
   *     chain starts)
   * @param files audit files read (a checkpoint among the files given is not one)
   * @param lines lines read
   * @param firstSeq the first seq of the chain read (0 if none)
   * @param lastSeq the last seq read (0 if none)
   * @param checkpoint the checkpoint compared with, or null
   */
  public record Result(List<String> problems, List<String> notes, int files, long lines, long firstSeq,
      long lastSeq, @Nullable Path checkpoint) {
    public Result {
      problems = List.copyOf(problems);
      notes = List.copyOf(notes);
    }

    /** Whether nothing is wrong. */
    public boolean intact() {
      return problems.isEmpty();
    }
  }

  /**
   * Verifies {@code files} (in any order: they are ordered by the seq of their first line) against
   * {@code checkpoint}; with a null checkpoint, against a {@code .checkpoint} file among
   * {@code files} (a glob such as {@code audit.log*} matches it), else {@code FILE.checkpoint} of
   * the newest file (its name without a {@code .N} suffix) if there is one.
   *
   * @throws IOException if a file cannot be read
   */
  public static Result verify(List<Path> files, @Nullable Path checkpoint, boolean useCheckpoint)
      throws IOException {
    requireNonNull(files, "files");
    // A glob like audit.log* also matches the checkpoint: it is the checkpoint, not a log file.
    var logs = new ArrayList<Path>();
    for (Path f : files) {
      if (isCheckpointName(f)) {
        if (checkpoint == null) {
          checkpoint = f;
        }
      } else {
        logs.add(f);
      }
    }
    files = logs;
    if (files.isEmpty()) {
      throw new IllegalArgumentException("files: [] (expected: at least one audit file)");
    }
    MessageDigest sha = AuditFormat.sha256();
    List<Path> ordered = order(files, sha);
    Path cpPath = !useCheckpoint ? null : checkpoint != null ? checkpoint
        : defaultCheckpoint(ordered.get(ordered.size() - 1));
    AuditFormat.Checkpoint cp = null;
    var problems = new ArrayList<String>();
    var notes = new ArrayList<String>();
    if (cpPath != null && Files.exists(cpPath)) {
      cp = AuditFormat.parseCheckpoint(Files.readString(cpPath, StandardCharsets.UTF_8));
      if (cp == null) {
        problems.add(cpPath + ": the checkpoint is damaged (not a checkpoint's JSON)");
      }
    } else if (useCheckpoint) {
      if (checkpoint != null) {
        throw new java.nio.file.NoSuchFileException(checkpoint.toString());
      }
      notes.add("no checkpoint found" + (cpPath == null ? "" : " (looked for " + cpPath + ")")
          + ": a cut-off tail cannot be detected");
      cpPath = null;
    }
    var state = new Chain(problems, notes, cp);
    for (Path file : ordered) {
      state.file(file, sha);
    }
    state.end(cpPath);
    return new Result(problems, notes, ordered.size(), state.lines, state.firstSeq, Math.max(state.lastSeq, 0),
        cp == null ? null : cpPath);
  }

  /** Whether {@code p} is named like a checkpoint ({@code FILE.checkpoint}, or its temporary file). */
  public static boolean isCheckpointName(Path p) {
    String name = p.getFileName().toString();
    return name.endsWith(".checkpoint") || name.endsWith(".checkpoint.tmp");
  }

  /** {@code DIR/audit.log.checkpoint} for {@code DIR/audit.log} and {@code DIR/audit.log.3}. */
  static Path defaultCheckpoint(Path newest) {
    String name = newest.getFileName().toString();
    Matcher m = ROTATED.matcher(name);
    String base = m.matches() ? m.group(1) : name;
    return newest.resolveSibling(base + ".checkpoint");
  }

  /** The files by the seq of their first line; files whose first line is unreadable by name. */
  private static List<Path> order(List<Path> files, MessageDigest sha) throws IOException {
    record Keyed(Path path, long firstSeq, long rotation, int index) {}
    var keyed = new ArrayList<Keyed>();
    int i = 0;
    for (Path p : files) {
      long first = Long.MAX_VALUE;
      try (var lines = new AuditLines(p)) {
        String line = lines.next();
        AuditFormat.Parsed parsed = line == null ? null : AuditFormat.parse(line, sha);
        if (parsed != null && parsed.seq() > 0) {
          first = parsed.seq();
        }
      }
      Matcher m = ROTATED.matcher(p.getFileName().toString());
      long rotation = m.matches() && m.group(2).length() < 9 ? Long.parseLong(m.group(2)) : 0;
      keyed.add(new Keyed(p, first, rotation, i++));
    }
    keyed.sort(Comparator.comparingLong(Keyed::firstSeq)
        .thenComparing(Comparator.comparingLong(Keyed::rotation).reversed())
        .thenComparingInt(Keyed::index));
    return keyed.stream().map(Keyed::path).toList();
  }

  /** The walk along the chain. */
  private static final class Chain {
    final List<String> problems;
    final List<String> notes;
    final AuditFormat.@Nullable Checkpoint cp;
    long lines;
    long firstSeq;
    long lastSeq = -1;
    @Nullable String lastHash;
    String lastWhere = "";
    boolean cpSeen;

    Chain(List<String> problems, List<String> notes, AuditFormat.@Nullable Checkpoint cp) {
      this.problems = problems;
      this.notes = notes;
      this.cp = cp;
    }

    void file(Path file, MessageDigest sha) throws IOException {
      String name = file.toString();
      try (var in = new AuditLines(file)) {
        boolean firstOfFile = true;
        for (String text; (text = in.next()) != null; ) {
          lines++;
          String where = name + ":" + in.number();
          if (!in.terminated()) {
            problems.add(where + ": the last line is cut off (no newline): the file was truncated "
                + "mid-line, or a write was interrupted");
          }
          AuditFormat.Parsed p = AuditFormat.parse(text, sha);
          if (p == null || p.seq() < 1) {
            problems.add(where + ": not an audit line (damaged, or edited so it no longer parses)");
            if (lastSeq >= 0) {
              lastSeq++;
            }
            lastHash = null;
            lastWhere = where;
            firstOfFile = false;
            continue;
          }
          line(p, where, firstOfFile, name);
          firstOfFile = false;
        }
        if (firstOfFile) {
          problems.add(name + ": the file is empty (its lines, header included, were removed)");
        }
      }
    }

    private void line(AuditFormat.Parsed p, String where, boolean firstOfFile, String fileName) {
      long seq = p.seq();
      String at = where + " (seq " + seq + ")";
      if (!p.hashMatches()) {
        problems.add(at + ": edited: the line does not match its hash");
      }
      if (firstOfFile && !"file".equals(p.event())) {
        problems.add(at + ": the file does not start with its \"file\" line: lines were removed "
            + "from its beginning");
      } else if (!firstOfFile && "file".equals(p.event())) {
        problems.add(at + ": a \"file\" line in the middle of a file: files were joined");
      }
      if (lastSeq < 0) {
        firstSeq = seq;
        if (seq == 1 && !p.prev().equals(AuditFormat.GENESIS)) {
          problems.add(at + ": the first line of the log does not start the chain (its prev is not "
              + "zeros)");
        } else if (seq > 1) {
          notes.add("the chain read starts at seq " + seq + " (" + where + "); earlier lines are in "
              + "files not given or rotated away");
          if (cp != null && cp.firstSeq() < seq) {
            problems.add(at + ": files are missing at the start: the checkpoint says the log "
                + "starts at seq " + cp.firstSeq() + ", the first file given starts at seq " + seq);
          }
        }
      } else if (seq == lastSeq + 1) {
        if (lastHash != null && !p.prev().equals(lastHash)) {
          problems.add(at + ": the line before it (" + lastWhere + ", seq " + lastSeq + ") is not "
              + "the line this one was chained to: it was edited and rehashed, or replaced");
        }
      } else if (seq > lastSeq + 1) {
        long missing = seq - lastSeq - 1;
        if (firstOfFile) {
          problems.add(at + ": " + missing + " line(s) missing between " + lastWhere + " (seq "
              + lastSeq + ") and " + fileName + ": a file in the middle is missing or was cut "
              + "(seq " + (lastSeq + 1) + " to " + (seq - 1) + ")");
        } else {
          problems.add(at + ": " + missing + " line(s) deleted before this line (seq "
              + (lastSeq + 1) + (missing > 1 ? " to " + (seq - 1) : "") + " missing after "
              + lastWhere + ")");
        }
      } else {
        problems.add(at + ": out of order: comes after seq " + lastSeq + " (" + lastWhere
            + "): lines were moved or repeated");
      }
      event(p, at);
      if (cp != null && seq == cp.seq()) {
        cpSeen = true;
        if (!p.hash().equals(cp.hash())) {
          problems.add(at + ": not the line the checkpoint records for seq " + seq
              + " (hash " + cp.hash().substring(0, 12) + "...): it was replaced");
        }
      }
      if (lastSeq >= 0 && seq <= lastSeq) {
        return; // out of order: the chain goes on from the highest line reached
      }
      lastSeq = seq;
      lastHash = p.hash();
      lastWhere = where;
    }

    /** What a line of the log about itself tells. */
    private void event(AuditFormat.Parsed p, String at) {
      String event = p.event();
      if (event == null) {
        return;
      }
      switch (event) {
        case "open", "reopen" -> {
          String problem = p.text("problem");
          if (!problem.isEmpty()) {
            problems.add(at + ": the runner found, when it " + (event.equals("open")
                ? "opened the log at " : "reopened the log at ") + p.text("time") + ": " + problem);
          }
        }
        case "dropped" -> notes.add(at + ": " + p.text("count") + " use(s) were not recorded: "
            + p.text("reason"));
        case "unwritable" -> notes.add(at + ": the log could not be written from " + p.text("time")
            + " to " + p.text("until") + " (" + p.text("error") + ")");
        default -> { }
      }
    }

    void end(@Nullable Path cpPath) {
      if (cp == null) {
        return;
      }
      if (cp.seq() > lastSeq) {
        long missing = cp.seq() - Math.max(lastSeq, 0);
        problems.add("truncated: the checkpoint " + cpPath + " (written " + cp.time() + ") records "
            + "seq " + cp.seq() + ", but the log ends at seq " + Math.max(lastSeq, 0)
            + (lastWhere.isEmpty() ? "" : " (" + lastWhere + ")") + ": the last " + missing
            + " line(s) were removed");
      } else if (!cpSeen && cp.seq() >= firstSeq) {
        problems.add("the line with seq " + cp.seq() + " that the checkpoint " + cpPath
            + " records is missing or damaged");
      } else if (lastSeq > cp.seq()) {
        notes.add((lastSeq - cp.seq()) + " line(s) after the last checkpoint (seq " + cp.seq()
            + "): a runner that stopped without closing the log writes these; they cannot be "
            + "checked against the checkpoint");
      }
    }
  }
}
