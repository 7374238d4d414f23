package dev.capmesh.runner.storage;

import static java.util.Objects.requireNonNull;

import dev.capmesh.runner.service.BodyStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.Executor;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Objects in a directory. Each object is two files in {@code objects/HH/}, named by the SHA-256
 * of its key (so no key, however hostile, names a path): {@code HASH.VERSION.data}, the bytes,
 * and {@code HASH.meta}, its metadata as JSON (key, version, size, etag, upload time, HTTP and
 * custom metadata, checksums). A write streams the bytes into a new data file, forces it to
 * disk, then atomically replaces the meta file with one naming the new version, and forces the
 * directory: a crash at any point leaves the meta file naming a complete data file, the old one
 * or the new one. Data files no meta file names (a write cut short) are removed at open. Writes
 * to one key are serialized at the moment they replace the meta file; the body is received
 * beforehand, concurrently.
 *
 * <p>The keys are kept in memory, sorted by their UTF-8 bytes, for listing; the metadata is read
 * from disk. Every file operation runs on the executor given to {@link #open}, never on the
 * caller's thread. One process at a time: the directory is locked ({@code lock}) while open.
 * Thread-safe.
 */
public final class EmbeddedObjectBackend implements ObjectBackend {
  private static final Logger log = LoggerFactory.getLogger(EmbeddedObjectBackend.class);
  private static final int STRIPES = 64;
  private static final List<String> ALGORITHMS = List.of("md5", "sha1", "sha256", "sha384", "sha512");

  private final ObjectFiles files;
  private final Executor io;
  private final Clock clock;
  private final String description;
  /** Why writes are refused, or null. */
  private final @Nullable String readOnly;
  private final @Nullable FileChannel lockChannel;
  private final @Nullable FileLock lock;
  private final ConcurrentSkipListSet<String> keys = new ConcurrentSkipListSet<>(ObjectKeys::compareUtf8);
  private final ReentrantLock[] stripes = new ReentrantLock[STRIPES];
  private volatile boolean closed;

  private EmbeddedObjectBackend(Path root, Executor io, Clock clock, String description,
      @Nullable String readOnly, @Nullable FileChannel lockChannel, @Nullable FileLock lock) {
    this.files = new ObjectFiles(root);
    this.io = io;
    this.clock = clock;
    this.description = description;
    this.readOnly = readOnly;
    this.lockChannel = lockChannel;
    this.lock = lock;
    for (int i = 0; i < STRIPES; i++) {
      stripes[i] = new ReentrantLock();
    }
  }

  /**
   * Opens (creating) the store in {@code directory}, removing what interrupted writes left.
   *
   * @param io where file operations run
   * @param description what workers are told the store is ("the embedded object store"): never
   *     a path
   * @throws IOException if the directory cannot be created or read, or another process has it open
   */
  public static EmbeddedObjectBackend open(Path directory, Executor io, Clock clock, String description)
      throws IOException {
    requireNonNull(directory, "directory");
    Files.createDirectories(directory.resolve("objects"));
    FileChannel channel = FileChannel.open(directory.resolve("lock"), StandardOpenOption.CREATE,
        StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null;
    }
    if (lock == null) {
      channel.close();
      throw new IOException("another process (or another store in this one) has the object store in "
          + directory + " open");
    }
    var backend = new EmbeddedObjectBackend(directory, requireNonNull(io, "io"), requireNonNull(clock, "clock"),
        requireNonNull(description, "description"), null, channel, lock);
    try {
      backend.load(true);
      ObjectFiles.forceDirectory(directory);
    } catch (IOException | RuntimeException e) {
      backend.close();
      throw e;
    }
    return backend;
  }

  /**
   * Opens the store in {@code directory} for reading only, creating nothing and removing
   * nothing: an absent directory reads as an empty store. Writes fail with {@code why}.
   */
  public static EmbeddedObjectBackend openReadOnly(Path directory, Executor io, Clock clock,
      String description, String why) throws IOException {
    var backend = new EmbeddedObjectBackend(requireNonNull(directory, "directory"), requireNonNull(io, "io"),
        requireNonNull(clock, "clock"), requireNonNull(description, "description"),
        requireNonNull(why, "why"), null, null);
    backend.load(false);
    return backend;
  }

  /** Fills the key index from the meta files; when {@code clean}, removes what interrupted writes left. */
  private void load(boolean clean) throws IOException {
    int skipped = files.load(clean, keys::add);
    if (skipped > 0) {
      log.warn("event=object-store-unreadable-meta store=\"{}\" files={}", description, skipped);
    }
  }

  @Override public String describe() {
    return description;
  }

  // ---------------------------------------------------------------- reads

  @Override public CompletionStage<@Nullable ObjectInfo> head(String key) {
    return run("head", () -> files.readMeta(key));
  }

  @Override public CompletionStage<@Nullable ObjectRead> get(String key, Conditions conditions,
      @Nullable ByteRange range) {
    return run("get", () -> {
      // A put may replace the object between reading its meta file and opening the data file it
      // names (and delete that file): read the meta file again then.
      for (int attempt = 0; ; attempt++) {
        ObjectInfo info = files.readMeta(key);
        if (info == null) {
          return null;
        }
        if (!conditions.holds(info)) {
          return new ObjectRead(info, null, null);
        }
        ByteRange.Resolved resolved = null;
        if (range != null) {
          resolved = range.resolve(info.size());
          if (resolved == null) {
            throw new RangeNotSatisfiableException(info.size());
          }
        }
        FileChannel channel;
        try {
          channel = FileChannel.open(files.dataFile(key, info.version()), StandardOpenOption.READ,
              LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
          if (attempt < 10) {
            continue;
          }
          throw e;
        }
        long offset = resolved == null ? 0 : resolved.offset();
        long length = resolved == null ? info.size() : resolved.length();
        return new ObjectRead(info, new ObjectFileBody(channel, offset, length, io), resolved);
      }
    });
  }

  @Override public CompletionStage<ObjectPage> list(ObjectQuery query) {
    return run("list", () -> listNow(query));
  }

  private ObjectPage listNow(ObjectQuery query) throws IOException {
    String prefix = query.prefix();
    String delimiter = query.delimiter();
    // The first candidate: at the prefix, after startAfter, after the cursor's last item.
    String from = prefix;
    boolean inclusive = true;
    if (query.startAfter() != null && ObjectKeys.compareUtf8(query.startAfter(), from) >= 0) {
      from = query.startAfter();
      inclusive = false;
    }
    if (query.cursor() != null && !query.cursor().isEmpty()) {
      String last = ObjectKeys.decodeCursor(query.cursor());
      // A delimited prefix: continue after every key under it.
      String after = last.startsWith("p") ? ObjectKeys.successor(last.substring(1)) : last.substring(1);
      boolean afterInclusive = last.startsWith("p");
      if (after == null) {
        return new ObjectPage(List.of(), List.of(), false, null);
      }
      int c = ObjectKeys.compareUtf8(after, from);
      if (c > 0 || (c == 0 && !afterInclusive)) {
        from = after;
        inclusive = afterInclusive;
      }
    }
    var objectsOut = new ArrayList<ObjectInfo>();
    var prefixes = new ArrayList<String>();
    String lastItem = null;
    String candidate = inclusive ? keys.ceiling(from) : keys.higher(from);
    boolean more = false;
    while (candidate != null && candidate.startsWith(prefix)) {
      if (objectsOut.size() + prefixes.size() >= query.limit()) {
        more = true;
        break;
      }
      int at = delimiter == null ? -1 : candidate.indexOf(delimiter, prefix.length());
      if (at >= 0) {
        String rolled = candidate.substring(0, at + delimiter.length());
        prefixes.add(rolled);
        lastItem = "p" + rolled;
        String next = ObjectKeys.successor(rolled);
        candidate = next == null ? null : keys.ceiling(next);
        continue;
      }
      ObjectInfo info = files.readMeta(candidate);
      if (info != null) { // else deleted meanwhile
        objectsOut.add(info);
        lastItem = "k" + candidate;
      }
      candidate = keys.higher(candidate);
    }
    return new ObjectPage(objectsOut, prefixes, more, more && lastItem != null ? ObjectKeys.encodeCursor(lastItem) : null);
  }

  // ---------------------------------------------------------------- writes

  @Override public CompletionStage<@Nullable ObjectInfo> put(String key, BodyStream body, ObjectWrite write,
      Conditions conditions) {
    if (readOnly != null) {
      body.cancel();
      return CompletableFuture.failedFuture(new ObjectStoreException(readOnly, true));
    }
    Map<String, MessageDigest> digests = new LinkedHashMap<>();
    for (String algorithm : ALGORITHMS) {
      if (algorithm.equals("md5") || write.expectedChecksums().containsKey(algorithm)) {
        digests.put(algorithm, digest(algorithm));
      }
    }
    for (String algorithm : write.expectedChecksums().keySet()) {
      if (!ALGORITHMS.contains(algorithm)) {
        body.cancel();
        return CompletableFuture.failedFuture(new IllegalArgumentException("unknown checksum algorithm "
            + algorithm + " (expected one of " + ALGORITHMS + ")"));
      }
    }
    String version = files.newVersion();
    Path data = files.dataFile(key, version);
    var upload = new Upload(body, data, digests);
    // Fail early when the conditions already do not hold; they are checked again at commit.
    CompletionStage<Boolean> proceed = conditions.isEmpty() ? CompletableFuture.completedFuture(true)
        : run("put", () -> conditions.holds(files.readMeta(key)));
    return proceed.thenCompose(ok -> {
      if (!ok) {
        body.cancel();
        return CompletableFuture.<@Nullable ObjectInfo>completedFuture(null);
      }
      return run("put", upload::start)
          .thenCompose(ignored -> upload.pump())
          .thenCompose(size -> run("put", () -> commit(key, version, size, upload, write, conditions)));
    }).whenComplete((info, error) -> {
      if (error != null || info == null) {
        upload.abandon();
      }
    });
  }

  /** Receiving one body into its data file. */
  private final class Upload {
    final BodyStream body;
    final Path file;
    final Map<String, MessageDigest> digests;
    @Nullable FileChannel channel;
    long size;
    volatile boolean kept;

    Upload(BodyStream body, Path file, Map<String, MessageDigest> digests) {
      this.body = body;
      this.file = file;
      this.digests = digests;
    }

    @Nullable Void start() throws IOException {
      files.ensureDirectory(file.getParent());
      channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
      return null;
    }

    /** Reads the body to its end, writing each chunk on the executor; the stage gives the size. */
    CompletableFuture<Long> pump() {
      var done = new CompletableFuture<Long>();
      step(done);
      return done;
    }

    private void step(CompletableFuture<Long> done) {
      CompletionStage<@Nullable ByteBuffer> next;
      try {
        next = body.read();
      } catch (RuntimeException e) {
        done.completeExceptionally(e);
        return;
      }
      next.whenCompleteAsync((chunk, error) -> {
        if (error != null) {
          done.completeExceptionally(error);
          return;
        }
        try {
          if (closed) {
            throw new ObjectStoreException(description + " is closed");
          }
          if (chunk == null) {
            channel.force(true);
            channel.close();
            done.complete(size);
            return;
          }
          for (MessageDigest d : digests.values()) {
            d.update(chunk.duplicate());
          }
          size += chunk.remaining();
          while (chunk.hasRemaining()) {
            channel.write(chunk);
          }
        } catch (IOException | RuntimeException e) {
          body.cancel();
          done.completeExceptionally(e instanceof IOException io ? failure("writing the object failed", io) : e);
          return;
        }
        step(done);
      }, io);
    }

    Map<String, String> checksums() {
      Map<String, String> out = new LinkedHashMap<>();
      digests.forEach((algorithm, d) -> out.put(algorithm, HexFormat.of().formatHex(d.digest())));
      return out;
    }

    /** Removes the data file unless it was committed. */
    void abandon() {
      if (kept) {
        return;
      }
      io.execute(() -> {
        try {
          if (channel != null) {
            channel.close();
          }
          Files.deleteIfExists(file);
        } catch (IOException e) {
          log.debug("event=object-temp-delete-failed", e); // the next open removes it
        }
      });
    }
  }

  private @Nullable ObjectInfo commit(String key, String version, long size, Upload upload, ObjectWrite write,
      Conditions conditions) throws IOException {
    Map<String, String> checksums = upload.checksums();
    for (var e : write.expectedChecksums().entrySet()) {
      String actual = checksums.get(e.getKey());
      if (!e.getValue().equalsIgnoreCase(actual)) {
        throw new ChecksumMismatchException(e.getKey(), e.getValue().toLowerCase(java.util.Locale.ROOT), actual);
      }
    }
    Path dir = upload.file.getParent();
    ObjectFiles.forceDirectory(dir); // the data file's name is durable before any meta file names it
    ReentrantLock l = stripe(key);
    l.lock();
    ObjectInfo previous;
    ObjectInfo info;
    try {
      previous = files.readMeta(key);
      if (!conditions.holds(previous)) {
        return null;
      }
      Instant uploaded = clock.instant().truncatedTo(ChronoUnit.MILLIS);
      info = new ObjectInfo(key, version, size, checksums.get("md5"), uploaded, write.httpMetadata(),
          write.customMetadata(), checksums);
      // From here the data file may be named by the meta file: never delete it on failure (an
      // unnamed one is removed at the next open).
      upload.kept = true;
      files.writeMeta(key, info);
      keys.add(key);
    } finally {
      l.unlock();
    }
    if (previous != null) {
      ObjectFiles.deleteQuietly(files.dataFile(key, previous.version()));
    }
    return info;
  }

  @Override public CompletionStage<Void> delete(List<String> keysToDelete) {
    if (readOnly != null) {
      return CompletableFuture.failedFuture(new ObjectStoreException(readOnly, true));
    }
    List<String> copy = List.copyOf(keysToDelete);
    return run("delete", () -> {
      for (String key : copy) {
        ReentrantLock l = stripe(key);
        l.lock();
        ObjectInfo previous;
        try {
          previous = files.readMeta(key);
          if (previous == null) {
            continue;
          }
          files.deleteMeta(key);
          keys.remove(key);
        } finally {
          l.unlock();
        }
        ObjectFiles.deleteQuietly(files.dataFile(key, previous.version()));
      }
      return null;
    });
  }

  @Override public void close() {
    closed = true;
    try {
      if (lock != null) {
        lock.release();
      }
      if (lockChannel != null) {
        lockChannel.close();
      }
    } catch (IOException e) {
      log.debug("event=object-store-unlock-failed", e);
    }
  }

  private ReentrantLock stripe(String key) {
    return stripes[Math.floorMod(key.hashCode(), STRIPES)];
  }

  // ---------------------------------------------------------------- helpers

  /** Runs a file operation on the executor; I/O errors become messages without paths. */
  private <T> CompletableFuture<T> run(String op, IoSupplier<T> task) {
    if (closed) {
      return CompletableFuture.failedFuture(new ObjectStoreException(description + " is closed"));
    }
    return CompletableFuture.supplyAsync(() -> {
      try {
        return task.get();
      } catch (IOException e) {
        throw failure(op + " failed", e);
      }
    }, io);
  }

  @FunctionalInterface
  private interface IoSupplier<T> {
    T get() throws IOException;
  }

  /** {@code what} and the reason, never the file name (a FileSystemException's message has it). */
  private ObjectStoreException failure(String what, IOException e) {
    String reason = e instanceof FileSystemException f && f.getReason() != null ? f.getReason()
        : e instanceof FileSystemException ? e.getClass().getSimpleName()
        : e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    String root = files.objects().getParent().toString();
    return new ObjectStoreException(description + ": " + what + ": " + reason.replace(root, "..."));
  }

  private static MessageDigest digest(String algorithm) {
    String name = switch (algorithm) {
      case "md5" -> "MD5";
      case "sha1" -> "SHA-1";
      case "sha256" -> "SHA-256";
      case "sha384" -> "SHA-384";
      default -> "SHA-512";
    };
    try {
      return MessageDigest.getInstance(name);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

}
