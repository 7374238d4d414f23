package dev.capmesh.runner.storage;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The object stores a runner has open, one per directory, shared by every plan generation that
 * uses it (a directory is locked by the store that has it open), and the small thread pool their
 * file operations run on: never a socket's event loop, never a worker's thread. Everything
 * closes with the runner. Thread-safe.
 */
public final class ObjectBackends implements AutoCloseable {
  /** Threads doing storage file I/O. */
  static final int IO_THREADS = 4;

  private final Clock clock;
  private final ExecutorService io;
  private final Map<String, ObjectBackend> open = new LinkedHashMap<>();
  private boolean closed;

  /** @param clock what upload times are read from */
  public ObjectBackends(Clock clock) {
    this.clock = requireNonNull(clock, "clock");
    var n = new AtomicInteger();
    var pool = new ThreadPoolExecutor(IO_THREADS, IO_THREADS, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
        r -> {
          Thread t = new Thread(r, "capmesh-storage-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
    pool.allowCoreThreadTimeOut(true);
    this.io = pool;
  }

  /**
   * The embedded store in {@code directory} (absolute, normalized), opened on first use.
   *
   * @param description what workers are told it is; never a path
   */
  public synchronized ObjectBackend embedded(Path directory, String description) throws IOException {
    String id = "embedded\0" + directory;
    ObjectBackend b = open.get(id);
    if (b == null) {
      check();
      b = EmbeddedObjectBackend.open(directory, io, clock, description);
      open.put(id, b);
    }
    return b;
  }

  /**
   * The S3 bucket {@code spec} describes, opened on first use and shared by every service (and
   * every plan) with the same settings, so a plan that keeps them keeps the connections.
   *
   * @throws IllegalArgumentException if the settings are incomplete or malformed
   */
  public synchronized ObjectBackend s3(dev.capmesh.proto.v1.S3Backend spec, Path baseDirectory,
      java.util.function.Function<String, @org.jspecify.annotations.Nullable String> environment,
      java.time.Duration timeout) {
    String id = "s3\0" + baseDirectory + "\0" + java.util.HexFormat.of().formatHex(spec.toByteArray());
    ObjectBackend b = open.get(id);
    if (b == null) {
      check();
      b = dev.capmesh.runner.storage.s3.S3ObjectBackend.create(spec, baseDirectory, environment, timeout);
      open.put(id, b);
    }
    return b;
  }

  /** The embedded store in {@code directory}, read-only: writes fail with {@code why}. */
  public synchronized ObjectBackend embeddedReadOnly(Path directory, String description, String why)
      throws IOException {
    String id = "embedded-ro\0" + directory;
    ObjectBackend b = open.get(id);
    if (b == null) {
      check();
      b = EmbeddedObjectBackend.openReadOnly(directory, io, clock, description, why);
      open.put(id, b);
    }
    return b;
  }

  private void check() {
    if (closed) {
      throw new IllegalStateException("the runner is closed");
    }
  }

  @Override public void close() {
    List<ObjectBackend> all;
    synchronized (this) {
      closed = true;
      all = new ArrayList<>(open.values());
      open.clear();
    }
    for (ObjectBackend b : all) {
      try {
        b.close();
      } catch (RuntimeException e) {
        // Closing the others matters more.
      }
    }
    io.shutdown();
  }
}
