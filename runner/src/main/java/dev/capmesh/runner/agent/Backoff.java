package dev.capmesh.runner.agent;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Delays between reconnection attempts: doubling from an initial delay up to a cap, each drawn
 * at random from the upper half of its step so that a fleet of agents does not reconnect in
 * lockstep after a control-plane restart. Not thread-safe.
 */
final class Backoff {
  private final long initialNanos;
  private final long maxNanos;
  private final RandomGenerator random;
  private long nextNanos;

  Backoff(Duration initial, Duration max, RandomGenerator random) {
    this.initialNanos = initial.toNanos();
    this.maxNanos = max.toNanos();
    this.random = random;
    this.nextNanos = initialNanos;
  }

  /** The delay before the next attempt; each call doubles the following one, up to the cap. */
  Duration next() {
    long step = nextNanos;
    nextNanos = Math.min(maxNanos, step > maxNanos / 2 ? maxNanos : step * 2);
    long half = step / 2;
    return Duration.ofNanos(half + (half > 0 ? random.nextLong(half + 1) : 0));
  }

  /** Back to the initial delay (after a connection that worked). */
  void reset() {
    nextNanos = initialNanos;
  }
}
