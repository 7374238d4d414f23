package dev.capmesh.controlplane;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Polls a condition up to a deadline (no fixed sleeps in tests). */
final class Await {
  private Await() {}

  static void until(BooleanSupplier condition, Duration max, String what) {
    long deadline = System.nanoTime() + max.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + max + " waiting for " + what);
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted waiting for " + what, e);
      }
    }
  }
}
