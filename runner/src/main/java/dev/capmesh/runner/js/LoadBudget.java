package dev.capmesh.runner.js;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * What loading a worker's code costs, charged to the worker rather than to a context. Every load
 * (the first, and every context that replaces one stopped for a limit) is counted with the CPU
 * time it took. A context stopped for a limit is a strike: the first replacement loads at once,
 * after that each replacement waits {@value #COST_FACTOR} times the CPU time of the last load,
 * doubled for each further strike (at most {@link #MAX_BACKOFF_NANOS}), so reloading can never use
 * more than a tenth of a core however often the worker is stopped. A load stopped for using more
 * than its CPU allowance marks the worker failed until the backoff is over. Strikes are forgotten
 * after a quiet period without one. Thread-safe.
 */
final class LoadBudget {
  /** A replacement load waits this many times the CPU time the last load used. */
  static final int COST_FACTOR = 10;
  static final long MAX_BACKOFF_NANOS = 300_000_000_000L;
  /** Strikes are forgotten after this long without one (or twice the last backoff, if longer). */
  static final long QUIET_NANOS = 60_000_000_000L;
  /** A request waits for a load due within this long; later than that, it gets a 503 at once. */
  static final long MAX_WAIT_NANOS = 2_000_000_000L;

  private final String worker;
  private final long loadCpuLimitNanos;
  private final LongSupplier clock;
  @GuardedBy("this") private int loads;
  @GuardedBy("this") private int strikes;
  @GuardedBy("this") private long lastLoadCpuNanos;
  @GuardedBy("this") private long lastStrikeAt;
  @GuardedBy("this") private long backoffNanos;
  @GuardedBy("this") private long notBefore;
  /** Why the worker cannot run until {@link #notBefore}, when a load failed. */
  @GuardedBy("this") private @Nullable String failure;

  LoadBudget(String worker, long loadCpuLimitNanos, LongSupplier clock) {
    this.worker = worker;
    this.loadCpuLimitNanos = loadCpuLimitNanos;
    this.clock = clock;
  }

  /** Parks the calling thread until {@code notBefore} (System.nanoTime) or until {@code stop}. */
  static void awaitTurn(long notBefore, java.util.function.BooleanSupplier stop) {
    for (long wait; (wait = notBefore - System.nanoTime()) > 0 && !stop.getAsBoolean(); ) {
      java.util.concurrent.locks.LockSupport.parkNanos(Math.min(wait, 50_000_000L));
    }
  }

  /** {@code nanos} as seconds with up to three decimals: "10", "0.3". */
  static String seconds(long nanos) {
    return java.math.BigDecimal.valueOf(nanos / 1_000_000L, 3).stripTrailingZeros().toPlainString();
  }

  long loadCpuLimitNanos() {
    return loadCpuLimitNanos;
  }

  /** How long a load starting now must wait (0: it may start at once). */
  synchronized long delayNanos() {
    return Math.max(0, notBefore - clock.getAsLong());
  }

  /** A load is starting. */
  synchronized void loadStarted() {
    loads++;
  }

  /** A load finished; it used {@code cpuNanos}. */
  synchronized void loadFinished(long cpuNanos) {
    lastLoadCpuNanos = cpuNanos;
    failure = null;
  }

  /**
   * A context of the worker was stopped for {@code reason}; {@code loadError} is set when it was
   * stopped while loading the code (null otherwise).
   */
  synchronized void stopped(String reason, @Nullable String loadError) {
    if (reason.equals("shutdown")) {
      return;
    }
    long now = clock.getAsLong();
    if (strikes > 0 && now - lastStrikeAt > Math.max(QUIET_NANOS, 2 * backoffNanos)) {
      strikes = 0;
    }
    strikes++;
    lastStrikeAt = now;
    long cost = loadError != null && reason.equals("cpu") ? loadCpuLimitNanos : lastLoadCpuNanos;
    if (loadError != null) {
      // A failed load is never retried at once.
      strikes = Math.max(strikes, 2);
      failure = loadError;
    }
    if (strikes == 1) {
      backoffNanos = 0;
    } else {
      int doublings = Math.min(strikes - 2, 30);
      backoffNanos = Math.min(MAX_BACKOFF_NANOS, Math.max(cost, 1_000_000L) * COST_FACTOR << doublings);
      if (backoffNanos < 0) {
        backoffNanos = MAX_BACKOFF_NANOS;
      }
    }
    notBefore = now + backoffNanos;
  }

  /** Stops counted since strikes were last forgotten (tests). */
  synchronized int strikes() {
    return strikes;
  }

  /** How many loads have started (tests). */
  synchronized int loads() {
    return loads;
  }

  /** The 503 text for a request that finds the worker waiting out its backoff. */
  String unavailableMessage(String requestId) {
    return unavailableReason() + " (request id " + requestId + ")";
  }

  /** Why the worker cannot run now and when it may be loaded again. */
  synchronized String unavailableReason() {
    long waitMs = Math.max(1, (notBefore - clock.getAsLong()) / 1_000_000L);
    String why = failure != null
        ? "worker \"" + worker + "\" failed to load: " + failure
        : "worker \"" + worker + "\" keeps being stopped for exceeding its limits, and loading its "
            + "code costs " + lastLoadCpuNanos / 1_000_000L + " ms of CPU time each time";
    return why + "; the next load is allowed in " + waitMs + " ms";
  }
}
