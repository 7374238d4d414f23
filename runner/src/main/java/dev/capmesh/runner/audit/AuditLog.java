package dev.capmesh.runner.audit;

import static java.util.Objects.requireNonNull;

import dev.capmesh.runner.observe.BindingListener;
import dev.capmesh.runner.observe.BindingUse;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.UnaryOperator;
import dev.capmesh.runner.audit.AuditFormat.Entry;
import dev.capmesh.runner.audit.AuditFormat.Event;
import dev.capmesh.runner.audit.AuditFormat.Use;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runner's audit trail: a {@link BindingListener} that writes one hash-chained JSON line per
 * binding use (docs/RUNNER.md, "Audit trail").
 *
 * <p>{@link #used} only puts the use in a bounded queue; the log's own thread formats, redacts
 * and writes it, so a worker never waits for the disk. When the queue is full:
 *
 * <ul>
 *   <li>failing open (the default), the use is dropped and counted, and a {@code dropped} line
 *       with the count goes into the chain as soon as the writer catches up;
 *   <li>failing closed, the use is kept (in an overflow list that only uses already under way
 *       can add to) and new binding uses are refused ({@link #refusal}) until the writer has
 *       caught up. Nothing is dropped.
 * </ul>
 *
 * <p>When the log cannot be written (disk full, permission denied, the file removed in a
 * directory that cannot be written): failing open, binding uses go on, pending lines are kept up
 * to the queue's capacity (more are dropped and counted), an ERROR is logged at once and every
 * {@code reportInterval}, and writing is retried every second; failing closed, binding uses are
 * refused until writing works again, and nothing is lost. Either way, once writing works again
 * an {@code unwritable} line records the outage before the lines that waited. A file that was
 * removed or replaced while in use is noticed at the next check (every
 * {@code checkpointInterval}) and a new one is started, its first line chained to the last line
 * written. Thread-safe.
 */
public final class AuditLog implements BindingListener, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AuditLog.class);

  private final Builder options;
  private final @Nullable AuditFile file;
  private final @Nullable OutputStream stream;
  private final ArrayBlockingQueue<BindingUse> queue;
  private final ConcurrentLinkedQueue<BindingUse> overflow = new ConcurrentLinkedQueue<>();
  private final Thread writer;
  private final AuditFormat.Writer format = new AuditFormat.Writer();
  /** How long a busy writer lets uses gather before it writes the next batch. */
  private static final long BATCH_NANOS = 10_000_000;
  /** Lines written in one system call at most. */
  private static final int MAX_BATCH_BYTES = 1 << 20;
  private volatile UnaryOperator<String> redactor = UnaryOperator.identity();
  private volatile boolean closing;
  private volatile boolean failed;
  private volatile @Nullable String failure;

  private final AtomicLong written = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong writeFailures = new AtomicLong();

  // Writer thread only.
  private final ArrayDeque<Entry> pending = new ArrayDeque<>();
  private long seq;
  private String hash = AuditFormat.GENESIS;
  private long checkpointedSeq = -1;
  private long droppedReported;
  private Instant failingSince = Instant.EPOCH;
  /** The {@code unwritable} line of the failure under way, once pending. */
  private @Nullable Event outage;
  private long nextCheckNanos;
  /** Whether the last round found uses to write: the next one waits {@link #BATCH_NANOS} first. */
  private boolean wroteLastRound;
  private final java.util.ArrayList<BindingUse> drained = new java.util.ArrayList<>();
  // nextRetryNanos, nextReportNanos: while failed
  private long nextRetryNanos;
  private long nextReportNanos;

  private AuditLog(Builder b, @Nullable AuditFile file, @Nullable OutputStream stream) {
    this.options = b;
    this.file = file;
    this.stream = stream;
    this.queue = new ArrayBlockingQueue<>(b.queueCapacity);
    this.writer = Thread.ofPlatform().daemon().name("capmesh-audit").unstarted(this::run);
  }

  /** An audit log written to {@code file}, rotated by size, with a checkpoint beside it. */
  public static Builder toFile(Path file) {
    return new Builder(requireNonNull(file, "file"), null);
  }

  /** An audit log written to {@code out} (standard output): no rotation, no checkpoint. */
  public static Builder toStream(OutputStream out) {
    return new Builder(null, requireNonNull(out, "out"));
  }

  /** Settings of an {@link AuditLog}. Not thread-safe. */
  public static final class Builder {
    private final @Nullable Path path;
    private final @Nullable OutputStream out;
    private String runnerId = "runner";
    private long maxBytes = 100L << 20;
    private int keep = 10;
    private int queueCapacity = 65_536;
    private boolean failClosed;
    private Duration checkpointInterval = Duration.ofSeconds(1);
    private Duration reportInterval = Duration.ofSeconds(10);
    private @Nullable Path checkpoint;
    private Clock clock = Clock.systemUTC();

    private Builder(@Nullable Path path, @Nullable OutputStream out) {
      this.path = path;
      this.out = out;
    }

    /** The runner id each line carries; {@code "runner"} if not set. */
    public Builder runnerId(String id) {
      this.runnerId = requireNonNull(id, "id");
      return this;
    }

    /** Rotate before the file would grow over this size (0: never); 100 MiB if not set. */
    public Builder maxBytes(long bytes) {
      if (bytes < 0) {
        throw new IllegalArgumentException("maxBytes: " + bytes + " (expected: >= 0)");
      }
      this.maxBytes = bytes;
      return this;
    }

    /** How many rotated files to keep; 10 if not set. */
    public Builder keep(int files) {
      if (files < 0) {
        throw new IllegalArgumentException("keep: " + files + " (expected: >= 0)");
      }
      this.keep = files;
      return this;
    }

    /** How many uses may wait for the writer; 65536 if not set. */
    public Builder queueCapacity(int capacity) {
      if (capacity < 1) {
        throw new IllegalArgumentException("queueCapacity: " + capacity + " (expected: >= 1)");
      }
      this.queueCapacity = capacity;
      return this;
    }

    /** Whether binding uses are refused while the log cannot record them; false if not set. */
    public Builder failClosed(boolean closed) {
      this.failClosed = closed;
      return this;
    }

    /** How often the chain head is checkpointed (and the file checked); 1 s if not set. */
    public Builder checkpointInterval(Duration interval) {
      this.checkpointInterval = positive(interval, "checkpointInterval");
      return this;
    }

    /** How often a failing log says so again (and retries); 10 s if not set. */
    public Builder reportInterval(Duration interval) {
      this.reportInterval = positive(interval, "reportInterval");
      return this;
    }

    /** Where the checkpoint goes; {@code FILE.checkpoint} if not set. */
    public Builder checkpointFile(Path path) {
      this.checkpoint = requireNonNull(path, "path");
      return this;
    }

    /** The clock of the {@code time} of event lines; the system's UTC clock if not set. */
    public Builder clock(Clock clock) {
      this.clock = requireNonNull(clock, "clock");
      return this;
    }

    private static Duration positive(Duration d, String name) {
      requireNonNull(d, name);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + ": " + d + " (expected: > 0)");
      }
      return d;
    }

    /**
     * Opens the log (continuing the chain of what is already there) and starts its writer.
     *
     * @throws IOException if the file cannot be opened or its first lines cannot be written
     */
    public AuditLog open() throws IOException {
      AuditFile f = path == null ? null : new AuditFile(path, checkpoint, maxBytes, keep);
      var auditLog = new AuditLog(this, f, out);
      auditLog.start();
      return auditLog;
    }
  }

  private void start() throws IOException {
    String problem = null;
    if (file != null) {
      AuditFile.Resume r = file.open();
      seq = r.seq();
      hash = r.hash();
      problem = r.problem();
    }
    Instant now = options.clock.instant();
    var open = new Event(now, "open");
    open.field("queueCapacity", options.queueCapacity).field("failClosed", options.failClosed);
    if (problem != null) {
      open.field("problem", problem);
      log.error("event=audit-log-problem file={} problem=\"{}\"", where(), problem);
    }
    if (file == null || file.needsHeader()) {
      pending.add(new Event(now, "file").field("file", file == null ? "-" : file.file.getFileName().toString()));
    }
    pending.add(open);
    try {
      writeAll();
      if (file != null) {
        file.checkpoint(seq, hash, now);
        checkpointedSeq = seq;
      }
    } catch (IOException | RuntimeException e) {
      if (file != null) {
        file.close();
      }
      throw e instanceof IOException io ? io : new IOException(e.getMessage(), e);
    }
    writer.start();
  }

  /** What {@code used} and the worker see as the log's file. */
  private String where() {
    return file == null ? "-" : file.file.toString();
  }

  /**
   * Replaces secret values in the targets of later lines (the runner's secrets: a second line of
   * defense, since uses are redacted where they happen).
   */
  public void redactor(UnaryOperator<String> redact) {
    this.redactor = requireNonNull(redact, "redact");
  }

  @Override public void used(BindingUse use) {
    if (closing) {
      dropped.incrementAndGet();
      return;
    }
    if (!queue.offer(use)) {
      if (options.failClosed) {
        overflow.add(use);
      } else {
        dropped.incrementAndGet();
      }
    }
  }

  @Override public @Nullable String refusal() {
    if (!options.failClosed) {
      return null;
    }
    if (failed) {
      return "the audit log cannot be written and this runner fails closed (--audit-fail-closed); "
          + "binding uses are refused until it can";
    }
    if (!overflow.isEmpty()) {
      return "the audit log is behind (its queue is full) and this runner fails closed "
          + "(--audit-fail-closed); binding uses are refused until it catches up";
    }
    return null;
  }

  /**
   * Counters of the log, for metrics and tests.
   *
   * @param written uses written
   * @param dropped uses dropped because the queue was full (failing open only)
   * @param writeFailures failed attempts to write, checkpoint or reopen
   * @param queued uses waiting for the writer
   * @param failing whether the log cannot be written now
   */
  public record Stats(long written, long dropped, long writeFailures, int queued, boolean failing) {}

  /** The counters now. */
  public Stats stats() {
    return new Stats(written.get(), dropped.get(), writeFailures.get(), queue.size() + overflow.size(),
        failed);
  }

  /** Writes what is queued, a {@code close} line and the checkpoint, and closes the file. */
  @Override public void close() {
    if (closing) {
      return;
    }
    closing = true;
    try {
      writer.join(TimeUnit.SECONDS.toMillis(30));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  // ------------------------------------------------------------------ writer thread

  private void run() {
    long tick = options.checkpointInterval.toNanos();
    nextCheckNanos = System.nanoTime() + tick;
    while (true) {
      boolean stopping = closing;
      long now = System.nanoTime();
      long wait = Math.max(0, Math.min(50_000_000L, (failed ? nextRetryNanos : nextCheckNanos) - now));
      try {
        if (failed) {
          if (!stopping && wait > 0) {
            LockSupport.parkNanos(wait);
          }
        } else if (wroteLastRound && !stopping) {
          // Busy: let uses gather for a moment instead of waking for each. Workers that queue a
          // use meanwhile wake nobody (nobody waits on the queue), and the next write is a batch.
          LockSupport.parkNanos(BATCH_NANOS);
        } else if (pending.isEmpty() && !stopping) {
          BindingUse first = queue.poll(wait, TimeUnit.NANOSECONDS);
          if (first != null) {
            pending.add(new Use(first));
          }
        }
      } catch (InterruptedException e) {
        closing = true;
      }
      wroteLastRound = !queue.isEmpty() || !pending.isEmpty();
      drainInto();
      now = System.nanoTime();
      if (!failed || now >= nextRetryNanos) {
        writePending();
      }
      if (failed && now >= nextReportNanos) {
        report();
      }
      if (now >= nextCheckNanos) {
        nextCheckNanos = now + tick;
        periodicCheck();
      }
      if (stopping && queue.isEmpty() && overflow.isEmpty() && (pending.isEmpty() || failed)) {
        finish();
        return;
      }
    }
  }

  /**
   * Moves queued uses to pending. While writing fails, a log failing open keeps at most a queue's
   * worth pending: beyond that its queue fills and {@link #used} drops (and counts) what comes.
   */
  private void drainInto() {
    int room = failed && !options.failClosed ? Math.max(0, options.queueCapacity - pending.size())
        : Integer.MAX_VALUE;
    for (BindingUse u; room > 0 && (u = overflow.poll()) != null; room--) {
      pending.add(new Use(u));
    }
    if (room > 0) {
      drained.clear();
      queue.drainTo(drained, room); // one lock acquisition for the whole batch
      for (BindingUse u : drained) {
        pending.add(new Use(u));
      }
      drained.clear();
    }
    long d = dropped.get();
    if (d > droppedReported && !failed) {
      pending.addFirst(new Event(options.clock.instant(), "dropped").field("count", d - droppedReported)
          .field("reason", "the audit queue was full (" + options.queueCapacity + " uses)"));
      log.error("event=audit-uses-dropped count={} total={}", d - droppedReported, d);
      droppedReported = d;
    }
  }

  /**
   * Writes every pending entry. While failed, first reopens the file and puts an
   * {@code unwritable} line (the outage) before them. On failure keeps them all and goes into
   * (or stays in) the failed state.
   */
  private void writePending() {
    if (pending.isEmpty() && !failed) {
      return;
    }
    try {
      if (failed) {
        if (outage == null) {
          outage = new Event(failingSince, "unwritable");
          pending.addFirst(outage);
        }
        outage.field("until", AuditFormat.time(options.clock.instant())).field("error", failure)
            .field("dropped", dropped.get() - droppedReported);
        if (file != null) {
          String what = file.reopen(seq);
          if (what != null) {
            pending.addFirst(new Event(options.clock.instant(), "reopen").field("problem", what));
          }
        }
      }
      writeAll();
      if (failed) {
        recovered();
      }
    } catch (IOException | RuntimeException e) {
      failedWith(e);
    }
  }

  /**
   * Writes pending entries in batches (a new file first gets its {@code file} line; a line that
   * would take the file over its size goes to a new file).
   */
  private void writeAll() throws IOException {
    String[] h = new String[1];
    while (!pending.isEmpty()) {
      if (file != null && file.needsHeader()
          && !(pending.peekFirst() instanceof Event ev && ev.name.equals("file"))) {
        pending.addFirst(new Event(options.clock.instant(), "file")
            .field("file", file.file.getFileName().toString()));
      }
      format.reset();
      int n = 0;
      long nextSeq = seq;
      String nextHash = hash;
      boolean rotate = false;
      for (Entry e : pending) {
        int before = format.size();
        int length = format.append(e, nextSeq + 1, nextHash, options.runnerId, redactor, h);
        if (file != null && file.needsRotation(before, length)) {
          format.truncate(before);
          rotate = n == 0;
          break;
        }
        if (n > 0 && before + length > MAX_BATCH_BYTES) {
          format.truncate(before);
          break;
        }
        n++;
        nextSeq++;
        nextHash = h[0];
      }
      if (rotate) {
        file.rotate(seq + 1);
        continue;
      }
      commit(n, nextSeq, nextHash);
    }
  }

  /** Writes the first {@code n} pending lines (formatted) and makes them the chain head. */
  private void commit(int n, long newSeq, String newHash) throws IOException {
    if (file != null) {
      file.write(format.array(), format.size());
    } else {
      stream.write(format.array(), 0, format.size());
      stream.flush();
    }
    for (int i = 0; i < n; i++) {
      if (pending.pollFirst() instanceof Use) {
        written.incrementAndGet();
      }
    }
    seq = newSeq;
    hash = newHash;
  }

  /** Checks the file is still the one written to, and checkpoints the chain head. */
  private void periodicCheck() {
    if (failed || file == null) {
      return;
    }
    String problem = file.identityProblem();
    if (problem != null) {
      failedWith(new IOException(problem));
      nextRetryNanos = 0; // start a new file at once if the directory allows
      return;
    }
    checkpoint(options.clock.instant());
  }

  private void checkpoint(Instant now) {
    if (file == null || seq == checkpointedSeq) {
      return;
    }
    try {
      file.checkpoint(seq, hash, now);
      checkpointedSeq = seq;
    } catch (IOException | RuntimeException e) {
      failedWith(e);
    }
  }

  private void failedWith(Exception e) {
    writeFailures.incrementAndGet();
    failure = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    long now = System.nanoTime();
    nextRetryNanos = now + Math.min(options.reportInterval.toNanos(), 1_000_000_000L);
    if (!failed) {
      failingSince = options.clock.instant();
      failed = true;
      report();
    }
  }

  private void report() {
    nextReportNanos = System.nanoTime() + options.reportInterval.toNanos();
    log.error("event=audit-log-unwritable file={} mode={} since={} error=\"{}\" pending={} "
        + "dropped={} failures={}", where(), options.failClosed ? "fail-closed (binding uses refused)"
        : "fail-open (binding uses go on unrecorded)", failingSince, failure,
        pending.size() + queue.size() + overflow.size(), dropped.get(), writeFailures.get());
  }

  private void recovered() {
    failed = false;
    outage = null;
    log.warn("event=audit-log-recovered file={} since={} dropped={}", where(), failingSince, dropped.get());
    checkpoint(options.clock.instant());
  }

  private void finish() {
    if (!failed) {
      pending.add(new Event(options.clock.instant(), "close").field("written", written.get())
          .field("dropped", dropped.get()));
    }
    writePending();
    checkpoint(options.clock.instant());
    if (failed) {
      log.error("event=audit-log-closed-unwritten file={} unwritten={} error=\"{}\"", where(),
          pending.size(), failure);
    }
    if (file != null) {
      file.close();
    }
  }
}
