package dev.capmesh.controlplane;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Polls a condition up to a deadline (no fixed sleeps in tests). */
final class Await {
  private Await() {}

  /**
   * Waits until {@code condition} holds. A condition that fails an assertion (a runner not yet
   * registered, say) has simply not happened yet; the last such failure is reported on timeout.
   */
  static void until(BooleanSupplier condition, Duration max, String what) {
    long deadline = System.nanoTime() + max.toNanos();
    while (!holds(condition)) {
      if (System.nanoTime() > deadline) {
        AssertionError timeout = new AssertionError("timed out after " + max + " waiting for " + what);
        try {
          condition.getAsBoolean();
        } catch (AssertionError last) {
          timeout.addSuppressed(last);
        }
        throw timeout;
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted waiting for " + what, e);
      }
    }
  }

  private static boolean holds(BooleanSupplier condition) {
    try {
      return condition.getAsBoolean();
    } catch (AssertionError notYet) {
      return false;
    }
  }
}
