package dev.capmesh.runner.audit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The files of an audit log written to disk: the active file {@code FILE}, the rotated files
 * {@code FILE.1} (newest) to {@code FILE.N}, and the chain head in {@code FILE.checkpoint}. Used
 * by the audit log's writer thread only; not thread-safe.
 */
final class AuditFile {
  private static final Set<StandardOpenOption> APPEND = Set.of(StandardOpenOption.CREATE,
      StandardOpenOption.WRITE, StandardOpenOption.APPEND);

  final Path file;
  final Path checkpoint;
  private final long maxBytes;
  private final int keep;
  private @Nullable FileChannel channel;
  private @Nullable Object fileKey;
  private long size;
  /** The size of the file after the last complete write (a failed write may leave bytes after it). */
  private long committed;
  private boolean needsHeader;
  private long firstSeq = 1;
  private boolean regular = true;

  /**
   * @param maxBytes rotate before a line would take the file over this size; 0: never
   * @param keep how many rotated files to keep
   */
  AuditFile(Path file, @Nullable Path checkpoint, long maxBytes, int keep) {
    this.file = file.toAbsolutePath().normalize();
    this.checkpoint = checkpoint != null ? checkpoint
        : this.file.resolveSibling(this.file.getFileName() + ".checkpoint");
    this.maxBytes = maxBytes;
    this.keep = keep;
  }

  /** Where a log's chain stands when it is opened, and what was wrong with what was found. */
  record Resume(long seq, String hash, @Nullable String problem) {}

  /**
   * Opens the active file for appending and finds the head of its chain: the last line of the
   * file, checked against the checkpoint. A missing file continues from the checkpoint; a log
   * without either starts a new chain.
   */
  Resume open() throws IOException {
    MessageDigest sha = AuditFormat.sha256();
    AuditFormat.Checkpoint cp = null;
    String problem = null;
    if (Files.exists(checkpoint)) {
      cp = AuditFormat.parseCheckpoint(Files.readString(checkpoint, StandardCharsets.UTF_8));
      if (cp == null) {
        problem = "the checkpoint " + checkpoint.getFileName() + " is damaged";
      }
    }
    long seq = 0;
    String hash = AuditFormat.GENESIS;
    if (Files.exists(file) && Files.size(file) > 0) {
      LastLine last = lastLine(file);
      AuditFormat.Parsed p = last.text == null ? null : AuditFormat.parse(last.text, sha);
      if (p == null || !p.hashMatches() || p.seq() < 1) {
        problem = join(problem, "the last line of " + file.getFileName() + " is damaged");
        if (cp != null) {
          seq = cp.seq();
          hash = cp.hash();
        }
      } else {
        seq = p.seq();
        hash = p.hash();
        if (cp != null) {
          problem = join(problem, compare(cp, seq, hash, sha));
        }
      }
      openChannel();
      if (last.torn) {
        // A write was cut off (a crash, a full disk): the next line must start on its own.
        problem = join(problem, file.getFileName() + " ended in a partial line, left as it was");
        writeFully(ByteBuffer.wrap(new byte[] {'\n'}));
        committed = size;
      }
    } else {
      if (cp != null) {
        seq = cp.seq();
        hash = cp.hash();
        problem = join(problem, file.getFileName() + " was missing or empty; the chain goes on "
            + "from its checkpoint (seq " + cp.seq() + ")");
      } else {
        Path newest = rotated(1);
        if (Files.exists(newest)) {
          LastLine last = lastLine(newest);
          AuditFormat.Parsed p = last.text == null ? null : AuditFormat.parse(last.text, sha);
          if (p != null && p.hashMatches()) {
            seq = p.seq();
            hash = p.hash();
          }
          problem = join(problem, file.getFileName() + " and its checkpoint were missing; the "
              + "chain goes on from " + newest.getFileName());
        }
      }
      openChannel();
    }
    firstSeq = cp != null && cp.firstSeq() > 0 ? cp.firstSeq() : oldestFirstSeq(seq + 1);
    return new Resume(seq, hash, problem);
  }

  /** What disagrees between the checkpoint and the end of the log, or null. */
  private @Nullable String compare(AuditFormat.Checkpoint cp, long lastSeq, String lastHash,
      MessageDigest sha) throws IOException {
    if (cp.seq() > lastSeq) {
      return "the checkpoint records seq " + cp.seq() + " but " + file.getFileName()
          + " ends at seq " + lastSeq + ": lines were removed while the runner was stopped";
    }
    if (cp.seq() == lastSeq) {
      return cp.hash().equals(lastHash) ? null : "the line with seq " + lastSeq
          + " is not the one the checkpoint records: it was replaced while the runner was stopped";
    }
    // Lines after the checkpoint (the runner stopped without closing): find the checkpointed one.
    String marker = "\"seq\":" + cp.seq() + ",";
    try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      for (String line; (line = r.readLine()) != null; ) {
        if (line.contains(marker)) {
          AuditFormat.Parsed p = AuditFormat.parse(line, sha);
          if (p != null && p.seq() == cp.seq()) {
            return p.hash().equals(cp.hash()) ? null : "the line with seq " + cp.seq()
                + " is not the one the checkpoint records: it was replaced while the runner was stopped";
          }
        }
      }
    }
    return "the line with seq " + cp.seq() + " the checkpoint records is not in "
        + file.getFileName() + " any more";
  }

  private static @Nullable String join(@Nullable String a, @Nullable String b) {
    return a == null ? b : b == null ? a : a + "; " + b;
  }

  /** Opens the active file for appending (creating it); an empty one gets a header first. */
  private void openChannel() throws IOException {
    createOwnerOnly(file);
    channel = FileChannel.open(file, APPEND);
    size = channel.size();
    committed = size;
    needsHeader = size == 0;
    BasicFileAttributes attrs = Files.readAttributes(file, BasicFileAttributes.class);
    fileKey = attrs.fileKey();
    // A device or pipe (/dev/stdout, a FIFO to a collector) is written, never rotated or moved.
    regular = attrs.isRegularFile();
  }

  /** Creates {@code path} readable by its owner and group only, if it does not exist. */
  private static void createOwnerOnly(Path path) throws IOException {
    try {
      Files.createFile(path, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r-----")));
    } catch (FileAlreadyExistsException e) {
      // appending to it
    } catch (UnsupportedOperationException e) {
      Files.newByteChannel(path, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE)).close();
    }
  }

  private static @Nullable Object key(Path path) throws IOException {
    return Files.readAttributes(path, BasicFileAttributes.class).fileKey();
  }

  /** Whether the next line must be the file's header (the file is new or empty). */
  boolean needsHeader() {
    return needsHeader;
  }

  /**
   * Whether a line of {@code length} bytes must go to a new file, after {@code buffered} bytes
   * not yet written. A line longer than the limit still goes alone into a file of its own.
   */
  boolean needsRotation(long buffered, int length) {
    long before = size + buffered;
    return regular && maxBytes > 0 && before > 0 && before + length > maxBytes;
  }

  /** Appends {@code bytes} entirely, or throws (the file may then hold part of them). */
  void write(byte[] bytes, int length) throws IOException {
    writeFully(ByteBuffer.wrap(bytes, 0, length));
    committed = size;
    needsHeader = false;
  }

  private void writeFully(ByteBuffer b) throws IOException {
    FileChannel c = Objects.requireNonNull(channel, "channel");
    while (b.hasRemaining()) {
      size += c.write(b);
    }
  }

  /** Makes what was written durable. */
  void force() throws IOException {
    FileChannel c = channel;
    if (c != null) {
      c.force(false);
    }
  }

  /**
   * Moves the active file to {@code FILE.1} (and the older ones up, dropping those beyond
   * {@code keep}) and starts an empty active file; the caller writes its header next.
   *
   * @param nextSeq the seq of the new file's header
   */
  void rotate(long nextSeq) throws IOException {
    force();
    closeChannel();
    if (keep == 0) {
      Files.deleteIfExists(file);
    } else {
      Files.deleteIfExists(rotated(keep));
      for (int i = keep - 1; i >= 1; i--) {
        if (Files.exists(rotated(i))) {
          Files.move(rotated(i), rotated(i + 1), StandardCopyOption.ATOMIC_MOVE);
        }
      }
      Files.move(file, rotated(1), StandardCopyOption.ATOMIC_MOVE);
    }
    openChannel();
    firstSeq = oldestFirstSeq(nextSeq);
  }

  Path rotated(int i) {
    return file.resolveSibling(file.getFileName() + "." + i);
  }

  /** The seq the oldest file on disk starts with; {@code fallback} when only the active file is new. */
  private long oldestFirstSeq(long fallback) {
    MessageDigest sha = AuditFormat.sha256();
    for (int i = keep; i >= 1; i--) {
      Path p = rotated(i);
      if (Files.exists(p)) {
        try (BufferedReader r = Files.newBufferedReader(p, StandardCharsets.UTF_8)) {
          String first = r.readLine();
          AuditFormat.Parsed parsed = first == null ? null : AuditFormat.parse(first, sha);
          if (parsed != null && parsed.seq() > 0) {
            return parsed.seq();
          }
        } catch (IOException | RuntimeException e) {
          // a damaged old file: the verifier will say so
        }
      }
    }
    return fallback;
  }

  /**
   * Records {@code seq} and {@code hash} as the chain head in the checkpoint file: written to a
   * temporary file, made durable and renamed over the old one, after the log itself was made
   * durable, so the checkpoint never names a line the disk does not hold.
   */
  void checkpoint(long seq, String hash, Instant now) throws IOException {
    force();
    Path tmp = checkpoint.resolveSibling(checkpoint.getFileName() + ".tmp");
    byte[] text = AuditFormat.checkpointJson(seq, hash, firstSeq, file.getFileName().toString(), now)
        .getBytes(StandardCharsets.UTF_8);
    Files.deleteIfExists(tmp);
    createOwnerOnly(tmp);
    try (FileChannel c = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
      ByteBuffer b = ByteBuffer.wrap(text);
      while (b.hasRemaining()) {
        c.write(b);
      }
      c.force(true);
    }
    Files.move(tmp, checkpoint, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  /**
   * Why the active file is no longer the one being written (removed, or replaced by another
   * file), or null. A removed file still accepts writes on Linux, which then go nowhere anyone
   * can read: hence this check, made periodically.
   */
  @Nullable String identityProblem() {
    try {
      Object now = key(file);
      return fileKey == null || fileKey.equals(now) ? null : file + " was replaced by another file";
    } catch (NoSuchFileException e) {
      return file + " was removed";
    } catch (IOException e) {
      return file + " cannot be examined (" + e + ")";
    }
  }

  /**
   * Opens the active file again after a failure: the same file is cut back to its last complete
   * line; a file that was removed or replaced is set aside and a new one started. Returns what
   * happened to lines already written, or null when nothing was lost.
   */
  @Nullable String reopen(long lastSeq) throws IOException {
    closeChannel();
    Object before = fileKey;
    Object now = null;
    try {
      now = key(file);
    } catch (NoSuchFileException e) {
      // removed: start a new one below
    }
    if (now != null && before != null && before.equals(now)) {
      channel = FileChannel.open(file, APPEND);
      if (channel.size() > committed) {
        channel.truncate(committed);
      }
      size = channel.size();
      needsHeader = size == 0;
      return null;
    }
    String what;
    if (now != null) {
      Path aside = file.resolveSibling(file.getFileName() + ".replaced-" + System.currentTimeMillis());
      Files.move(file, aside, StandardCopyOption.ATOMIC_MOVE);
      what = file.getFileName() + " was replaced while in use (the other file is kept as "
          + aside.getFileName() + ")";
    } else {
      what = file.getFileName() + " was removed while in use";
    }
    openChannel();
    return what + "; lines written after the last checkpoint (up to seq " + lastSeq + ") may be lost";
  }

  void close() {
    try {
      force();
    } catch (IOException e) {
      // closing anyway
    }
    closeChannel();
  }

  private void closeChannel() {
    FileChannel c = channel;
    channel = null;
    if (c != null) {
      try {
        c.close();
      } catch (IOException e) {
        // nothing left to do with it
      }
    }
  }

  /** The last line of a file (without its newline), and whether the file ends mid-line. */
  private record LastLine(@Nullable String text, boolean torn) {}

  private static LastLine lastLine(Path path) throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(path.toFile(), "r")) {
      long end = f.length();
      if (end == 0) {
        return new LastLine(null, false);
      }
      f.seek(end - 1);
      boolean torn = f.read() != '\n';
      long lineEnd = torn ? end : end - 1;
      // Walk back to the newline before the last complete line (skipping a torn one).
      long pos = lineEnd - 1;
      if (torn) {
        while (pos >= 0 && readAt(f, pos) != '\n') {
          pos--;
        }
        if (pos < 0) {
          return new LastLine(null, true);
        }
        lineEnd = pos;
        pos--;
      }
      long start = pos;
      while (start >= 0 && readAt(f, start) != '\n') {
        start--;
      }
      int length = (int) Math.min(lineEnd - (start + 1), 1 << 20);
      byte[] b = new byte[length];
      f.seek(start + 1);
      f.readFully(b);
      return new LastLine(new String(b, StandardCharsets.UTF_8), torn);
    }
  }

  private static int readAt(RandomAccessFile f, long pos) throws IOException {
    f.seek(pos);
    return f.read();
  }
}
