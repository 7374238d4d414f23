package dev.capmesh.runner.agent;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.capmesh.proto.PlanDigest;
import dev.capmesh.proto.v1.RunnerPlan;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.Optional;
import java.util.random.RandomGenerator;
import java.util.regex.Pattern;

/**
 * An agent's data directory: the last plan it applied ({@code plan.bin}, the serialized
 * {@link RunnerPlan}, whose version is part of it and checked against its content), its runner
 * id ({@code runner-id}) and a lock so that two agents never share one directory. Writes are
 * atomic (temporary file, fsync, rename), so a crash leaves the old plan or the new one, never a
 * mix. Not thread-safe: one agent owns it.
 */
public final class PlanStore implements AutoCloseable {
  static final String PLAN_FILE = "plan.bin";
  static final String RUNNER_ID_FILE = "runner-id";
  private static final String LOCK_FILE = "lock";
  private static final Pattern RUNNER_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}");
  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'").withZone(ZoneOffset.UTC);

  private final Path dir;
  private final Clock clock;
  private final FileChannel lockChannel;
  private final FileLock lock;

  private PlanStore(Path dir, Clock clock, FileChannel lockChannel, FileLock lock) {
    this.dir = dir;
    this.clock = clock;
    this.lockChannel = lockChannel;
    this.lock = lock;
  }

  /**
   * Opens (creating it if needed) and locks the data directory {@code dir}.
   *
   * @throws IOException naming the directory when it cannot be created or another agent holds it
   */
  public static PlanStore open(Path dir, Clock clock) throws IOException {
    requireNonNull(dir, "dir");
    requireNonNull(clock, "clock");
    Path abs = dir.toAbsolutePath().normalize();
    try {
      Files.createDirectories(abs);
    } catch (IOException e) {
      throw new IOException("cannot create data directory " + abs + ": " + e.getMessage(), e);
    }
    FileChannel channel = FileChannel.open(abs.resolve(LOCK_FILE), StandardOpenOption.CREATE,
        StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null;
    }
    if (lock == null) {
      channel.close();
      throw new IOException("data directory " + abs + " is in use by another runner agent");
    }
    return new PlanStore(abs, clock, channel, lock);
  }

  /** The directory. */
  public Path directory() {
    return dir;
  }

  /** Checks {@code id} as a runner id; returns it. */
  public static String checkRunnerId(String id) {
    requireNonNull(id, "id");
    if (!RUNNER_ID.matcher(id).matches()) {
      throw new IllegalArgumentException("runner id: \"" + id + "\" (expected: 1 to 128 letters, "
          + "digits, '.', '_', ':', '@' or '-', starting with a letter or digit)");
    }
    return id;
  }

  /**
   * The runner id stored in this directory; on first use one is generated from {@code hostName}
   * and random digits and stored, so it stays the same across restarts.
   */
  public String runnerId(String hostName, RandomGenerator random) throws IOException {
    Path file = dir.resolve(RUNNER_ID_FILE);
    if (Files.exists(file)) {
      String id = Files.readString(file, StandardCharsets.UTF_8).strip();
      try {
        return checkRunnerId(id);
      } catch (IllegalArgumentException e) {
        throw new IOException(file + " does not hold a usable " + e.getMessage()
            + "; delete it to generate a new id");
      }
    }
    String host = hostName.replaceAll("[^A-Za-z0-9._-]", "-").replaceAll("^[^A-Za-z0-9]+", "");
    if (host.length() > 40) {
      host = host.substring(0, 40);
    }
    byte[] suffix = new byte[4];
    random.nextBytes(suffix);
    String id = (host.isEmpty() ? "runner" : host) + "-" + HexFormat.of().formatHex(suffix);
    writeAtomically(file, (id + "\n").getBytes(StandardCharsets.UTF_8));
    return id;
  }

  /** What {@link #load()} found. */
  public record Loaded(Optional<RunnerPlan> plan, Optional<String> problem) {
    public Loaded {
      requireNonNull(plan, "plan");
      requireNonNull(problem, "problem");
    }
  }

  /**
   * The last applied plan, if there is one and it is intact: it parses, its format is one this
   * runner reads, and its hashes and version match its content. A damaged or unreadable plan is
   * moved aside (to {@code plan.bin.corrupt-<time>}) and reported in {@link Loaded#problem()};
   * it is never returned.
   */
  public Loaded load() throws IOException {
    Path file = dir.resolve(PLAN_FILE);
    if (!Files.exists(file)) {
      return new Loaded(Optional.empty(), Optional.empty());
    }
    byte[] bytes = Files.readAllBytes(file);
    String problem = null;
    RunnerPlan plan = null;
    try {
      plan = RunnerPlan.parseFrom(bytes);
      problem = PlanChecks.formatProblem(plan.getVersion(), plan.getFormat());
      if (problem == null) {
        if (plan.getVersion().isEmpty()) {
          problem = "it has no version";
        } else {
          PlanDigest.verify(plan);
        }
      }
    } catch (InvalidProtocolBufferException e) {
      problem = "it does not parse as a plan (" + e.getMessage() + ")";
    } catch (IllegalArgumentException e) {
      problem = e.getMessage();
    }
    if (problem == null) {
      return new Loaded(Optional.of(plan), Optional.empty());
    }
    Path aside = dir.resolve(PLAN_FILE + ".corrupt-" + STAMP.format(clock.instant()));
    Files.move(file, aside, StandardCopyOption.REPLACE_EXISTING);
    return new Loaded(Optional.empty(), Optional.of("the persisted plan " + file + " is unusable: "
        + problem + "; moved it to " + aside.getFileName() + " and ignored it"));
  }

  /** Stores {@code plan} as the last applied one, atomically and durably. */
  public void save(RunnerPlan plan) throws IOException {
    requireNonNull(plan, "plan");
    writeAtomically(dir.resolve(PLAN_FILE), plan.toByteArray());
  }

  private void writeAtomically(Path file, byte[] bytes) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    // Plans carry secrets (secret bindings, TLS keys): owner-only from the moment the file exists.
    Files.deleteIfExists(tmp);
    try (FileChannel out = ownerOnly(tmp)) {
      ByteBuffer buf = ByteBuffer.wrap(bytes);
      while (buf.hasRemaining()) {
        out.write(buf);
      }
      out.force(true);
    }
    try {
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
    }
    // The rename is durable only once the directory entry is on disk.
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException e) {
      // Some file systems cannot open a directory for fsync; the rename still happened.
    }
  }

  private static FileChannel ownerOnly(Path file) throws IOException {
    var options = java.util.Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      return FileChannel.open(file, options, PosixFilePermissions.asFileAttribute(
          PosixFilePermissions.fromString("rw-------")));
    }
    return FileChannel.open(file, options);
  }

  /** Releases the directory's lock. */
  @Override
  public void close() {
    try {
      lock.release();
      lockChannel.close();
    } catch (IOException e) {
      // Closing the channel releases the lock in any case.
    }
  }
}
