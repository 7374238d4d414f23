package dev.capmesh.runner.js;

import com.oracle.truffle.api.TruffleContext;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.Engine;
import org.graalvm.polyglot.HostAccess;
import org.graalvm.polyglot.Instrument;
import org.graalvm.polyglot.io.IOAccess;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stops the contexts that hold the heap when the JVM runs low on it. GraalJS Community has no
 * per-context heap limit, so the runtime watches the old generation: when it is still over
 * {@value #HIGH_WATER} full after a collection, this guard measures the heap each live context
 * retains ({@link HeapMeter}: a walk of the objects reachable from the context) and stops the
 * biggest ones until what they retain covers the excess. The worker holding the memory is
 * stopped, whichever worker happens to be running. After acting it collects at once, and it acts
 * again only after a later collection still finds the heap high. Without the meter (Truffle did
 * not find it) it falls back to stopping whatever is running. Thread-safe.
 */
final class MemoryGuard implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(MemoryGuard.class);
  /** Old-generation use (after GC) above which the biggest contexts are stopped. */
  static final double HIGH_WATER = 0.90;
  /** Stop contexts until the old generation would be at most this full. */
  private static final double TARGET = 0.75;
  /**
   * A context retaining less than this share of the heap is never stopped for memory: when the
   * heap is full of something else (Java-side buffers, many small contexts), stopping it would
   * only hurt a bystander.
   */
  static final double MIN_SHARE = 0.05;

  private final HeapMeter.@Nullable Meter meter;
  private final Engine engine;
  /**
   * A bare context the measuring thread enters while it measures: Truffle's walk of another
   * context's stack frames needs a thread with Truffle's safepoint state. Measurer thread only.
   */
  private @Nullable Context probe;
  private final List<MemoryPoolMXBean> heapPools;
  private final List<GarbageCollectorMXBean> collectors = ManagementFactory.getGarbageCollectorMXBeans();
  private final ExecutorService measurer = Executors.newSingleThreadExecutor(r -> {
    var t = new Thread(r, "capmesh-js-heap-meter");
    t.setDaemon(true);
    return t;
  });
  private final AtomicBoolean measuring = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();
  /** The collection count when the guard last acted (-1: never). */
  private final AtomicLong actedAtCollection = new AtomicLong(-1);
  private final AtomicLong stopped = new AtomicLong();

  MemoryGuard(Engine engine) {
    this.engine = engine;
    this.heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
        // Only the old generation: eden and survivor spaces are routinely full after a young
        // collection, which says nothing about the heap running out. Of the heap pools, only
        // the old generation supports a usage threshold (Serial, Parallel and G1 alike).
        .filter(p -> p.getType() == MemoryType.HEAP && p.isUsageThresholdSupported()
            && p.isCollectionUsageThresholdSupported() && p.getUsage().getMax() > 0)
        .toList();
    Instrument instrument = engine.getInstruments().get(HeapMeter.ID);
    this.meter = instrument == null ? null : instrument.lookup(HeapMeter.Meter.class);
    if (meter == null) {
      log.warn("event=heap-meter-unavailable detail=\"low memory stops whatever is running\"");
    }
  }

  /** The meter, if Truffle found it: contexts use it to learn their Truffle view. */
  HeapMeter.@Nullable Meter meter() {
    return meter;
  }

  /** Contexts stopped for memory so far (tests). */
  long stoppedContexts() {
    return stopped.get();
  }

  /**
   * Called by the watchdog: when the heap is still high after a collection that happened since
   * the guard last acted, starts a measurement on the guard's own thread (at most one at a time).
   */
  void check(Collection<WorkerContext> live) {
    long excess = excessBytes();
    if (excess <= 0 || closed.get() || collections() == actedAtCollection.get()) {
      return;
    }
    if (measuring.compareAndSet(false, true)) {
      measurer.execute(() -> {
        try {
          // No list of contexts outlives this call: the collection below must find the stopped
          // contexts unreachable.
          if (meter == null) {
            for (WorkerContext c : live) {
              c.killIfRunning("memory");
            }
          } else {
            stopHolders(List.copyOf(live), excess);
          }
          // Collect now, so that the pools stop counting what the stopped contexts held; act
          // again only after a later collection still finds the heap high.
          System.gc();
        } catch (RuntimeException | OutOfMemoryError e) {
          log.warn("event=memory-guard-failed error={}", e.toString());
        } finally {
          actedAtCollection.set(collections());
          measuring.set(false);
        }
      });
    }
  }

  /** What one context retains. */
  private record Held(WorkerContext context, long bytes) {}

  private void stopHolders(List<WorkerContext> live, long excess) {
    var held = new ArrayList<Held>();
    long max = maxHeap();
    Context p = probe;
    if (p == null) {
      p = Context.newBuilder("js").engine(engine).allowHostAccess(HostAccess.NONE)
          .allowIO(IOAccess.NONE).build();
      probe = p;
    }
    p.enter();
    try {
      measure(live, held, max);
    } finally {
      p.leave();
    }
    held.sort(Comparator.comparingLong(Held::bytes).reversed());
    Map<String, Long> perWorker = new LinkedHashMap<>();
    for (Held h : held) {
      perWorker.merge(h.context().worker.name(), h.bytes(), Long::sum);
    }
    long freed = 0;
    for (Held h : held) {
      if (freed >= excess || h.bytes() < max * MIN_SHARE) {
        break;
      }
      log.warn("event=worker-limit-exceeded worker={} limit=memory retainedBytes={} heapMaxBytes={} "
          + "workerRetainedBytes={}", h.context().worker.name(), h.bytes(), max,
          perWorker.get(h.context().worker.name()));
      h.context().kill("memory");
      stopped.incrementAndGet();
      freed += h.bytes();
    }
  }

  private void measure(List<WorkerContext> live, List<Held> held, long max) {
    HeapMeter.Meter m = meter;
    if (m == null) {
      return;
    }
    for (WorkerContext c : live) {
      TruffleContext tc = c.truffleContext();
      if (tc == null || c.isDead() || closed.get()) {
        continue;
      }
      try {
        held.add(new Held(c, m.retainedBytes(tc, max, closed)));
      } catch (RuntimeException | OutOfMemoryError e) {
        log.debug("event=heap-measure-failed worker={}", c.worker.name(), e);
      }
    }
  }

  /** How far the old generation (after the last collection) is over the target; <= 0 if fine. */
  private long excessBytes() {
    long excess = 0;
    for (MemoryPoolMXBean p : heapPools) {
      var after = p.getCollectionUsage();
      if (after != null && after.getMax() > 0 && after.getUsed() > after.getMax() * HIGH_WATER) {
        excess = Math.max(excess, after.getUsed() - (long) (after.getMax() * TARGET));
      }
    }
    return excess;
  }

  private long maxHeap() {
    long max = Runtime.getRuntime().maxMemory();
    return max == Long.MAX_VALUE ? Long.MAX_VALUE / 2 : max;
  }

  private long collections() {
    long n = 0;
    for (GarbageCollectorMXBean gc : collectors) {
      n += Math.max(0, gc.getCollectionCount());
    }
    return n;
  }

  @Override public void close() {
    closed.set(true);
    measurer.execute(() -> {
      Context p = probe;
      if (p != null) {
        p.close(true);
      }
    });
    measurer.shutdown();
  }
}
