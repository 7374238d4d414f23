package dev.capmesh.runner.js;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Lets the first of several threads do a piece of work alone, once, while the others wait for
 * it before doing theirs: for work whose first run fills a cache the later runs read. A waiter
 * waits at most the given bound (a first run that hangs must not hold everyone); after that, or
 * when interrupted, it goes ahead without the cache. Thread-safe.
 */
final class FirstAlone {
  private final AtomicBoolean taken = new AtomicBoolean();
  private final CompletableFuture<Void> done = new CompletableFuture<>();
  private final Duration bound;

  FirstAlone(Duration bound) {
    this.bound = requireNonNull(bound, "bound");
  }

  /**
   * True for the first caller, which must then call {@link #leave} when its run ends, however
   * it ends. Later callers wait until it has (or the bound passes) and get false.
   */
  boolean enter() {
    if (taken.compareAndSet(false, true)) {
      return true;
    }
    try {
      done.get(bound.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      // Go ahead without the first run's cache: slower, never wrong.
    }
    return false;
  }

  /** The first run ended: the waiters go ahead. */
  void leave() {
    done.complete(null);
  }
}
