package dev.capmesh.runner.js;

import com.oracle.truffle.api.Truffle;
import com.oracle.truffle.runtime.AbstractCompilationTask;
import com.oracle.truffle.runtime.OptimizedCallTarget;
import com.oracle.truffle.runtime.OptimizedTruffleRuntime;
import com.oracle.truffle.runtime.OptimizedTruffleRuntimeListener;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds Truffle's compiler back for the first seconds of a process, so that JavaScript runs in the
 * interpreter until then. On a stock JDK the Graal compiler is itself Java code that HotSpot has to
 * compile before it compiles JavaScript quickly: started at once, it competes with the requests
 * for the cores, and hello world served about a third of what the interpreter alone serves in its
 * first seconds (docs/BENCHMARKS.md, issue 9). Held, the cores go first to HotSpot
 * compiling the interpreter and the parser, which serve the first requests; the compiler starts
 * when the hold ends, with the hottest code first.
 *
 * <p>The hold works through a listener on the Truffle runtime: a compiler thread that is about to
 * compile waits until the hold ends. The calls it was asked to compile keep running in the
 * interpreter meanwhile, and Truffle keeps counting them. One hold per process (the first runtime
 * starts it); it never delays anything but compilation. Where the runtime is not Truffle's
 * optimizing one, there is nothing to hold.
 */
final class CompileGate implements OptimizedTruffleRuntimeListener {
  private static final Logger log = LoggerFactory.getLogger(CompileGate.class);

  /**
   * How long the first runtime of the process holds the compiler, from the system property
   * {@code capmesh.js.compileAfter} in seconds (0: no hold).
   */
  static final Duration DEFAULT_HOLD = parseHold(System.getProperty("capmesh.js.compileAfter", "10"));

  private static final CompileGate GATE = new CompileGate();
  private static boolean installed;
  private static boolean firstHoldTaken;

  /** When the hold ends (System.nanoTime); meaningless while {@link #open}. */
  private long openAtNanos;
  private volatile boolean open = true;
  /** Compiler threads waiting at the gate now. */
  private int waiting;

  private CompileGate() {}

  /**
   * The hold {@code value} (seconds, from 0 to 3600) asks for; for anything else a warning that
   * names the setting, and no hold.
   */
  static Duration parseHold(String value) {
    try {
      double seconds = Double.parseDouble(value);
      if (seconds >= 0 && seconds <= 3600) {
        return Duration.ofMillis(Math.round(seconds * 1000));
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    log.warn("event=bad-setting name=capmesh.js.compileAfter value=\"{}\" detail=\"expected seconds from 0 to "
        + "3600; the compiler is not held\"", value);
    return Duration.ZERO;
  }

  /**
   * Starts the process's hold of {@code hold}, once: later calls do nothing. Returns whether a
   * hold started.
   */
  static boolean holdFirst(Duration hold) {
    synchronized (GATE) {
      if (firstHoldTaken) {
        return false;
      }
      firstHoldTaken = true;
    }
    if (hold.isZero() || hold.isNegative()) {
      return false;
    }
    boolean held = holdFor(hold);
    if (held) {
      log.info("event=js-compile-hold seconds={} detail=\"JavaScript runs in the interpreter until then\"",
          hold.toMillis() / 1000.0);
    }
    return held;
  }

  /**
   * Holds the compiler for {@code hold} from now, replacing any hold in place. Returns false when
   * the runtime is not Truffle's optimizing one (there is no compiler to hold).
   */
  static boolean holdFor(Duration hold) {
    synchronized (GATE) {
      if (!install()) {
        return false;
      }
      GATE.openAtNanos = System.nanoTime() + hold.toNanos();
      GATE.open = false;
      return true;
    }
  }

  /** Ends the hold now: waiting compiler threads go on. */
  static void openNow() {
    synchronized (GATE) {
      GATE.open = true;
      GATE.notifyAll();
    }
  }

  /** Whether a hold is in place now. */
  static boolean holding() {
    synchronized (GATE) {
      return !GATE.open && GATE.openAtNanos - System.nanoTime() > 0;
    }
  }

  /** How many compiler threads wait at the gate now (tests). */
  static int waiting() {
    synchronized (GATE) {
      return GATE.waiting;
    }
  }

  /** Registers the listener once; false if the runtime is not the optimizing one. */
  private static boolean install() {
    if (installed) {
      return true;
    }
    try {
      if (Truffle.getRuntime() instanceof OptimizedTruffleRuntime runtime) {
        runtime.addListener(GATE);
        installed = true;
      }
    } catch (LinkageError e) {
      log.warn("event=js-compile-hold-unavailable error={}", e.toString());
    }
    return installed;
  }

  /** On the compiler thread, before a compilation: waits while the hold lasts. */
  @Override public void onCompilationStarted(OptimizedCallTarget target, AbstractCompilationTask task) {
    if (open) {
      return;
    }
    synchronized (this) {
      waiting++;
      try {
        while (!open) {
          long left = openAtNanos - System.nanoTime();
          if (left <= 0) {
            open = true;
            log.info("event=js-compile-hold-over");
            break;
          }
          TimeUnit.NANOSECONDS.timedWait(this, left);
        }
      } catch (InterruptedException e) {
        // The compiler thread is being stopped: let it go on to do so.
        Thread.currentThread().interrupt();
      } finally {
        waiting--;
      }
    }
  }
}
