package dev.capmesh.runner.service;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The subrequest budget of one incoming request, shared by every hop it causes: a worker that
 * calls another worker (or itself) through a service binding passes {@link #nextHop()} along, so
 * the whole tree of calls draws on one counter and knows how deep it is. This is what stops a
 * worker bound to itself from turning one request into thousands. Thread-safe.
 */
public final class RequestBudget {
  /** How many workers one request may pass through in a chain (workerd/Miniflare: 16). */
  public static final int MAX_DEPTH = 16;
  /** Subrequests one incoming request and everything it causes may make in total. */
  public static final int DEFAULT_TOTAL_SUBREQUESTS = 1000;

  private final AtomicInteger used;
  private final int total;
  private final int depth;

  private RequestBudget(AtomicInteger used, int total, int depth) {
    this.used = used;
    this.total = total;
    this.depth = depth;
  }

  /** The budget of a request that arrived from outside (depth 1, the default total). */
  public static RequestBudget root() {
    return root(DEFAULT_TOTAL_SUBREQUESTS);
  }

  /** The budget of a request that arrived from outside, allowing {@code total} subrequests. */
  public static RequestBudget root(int total) {
    if (total < 0) {
      throw new IllegalArgumentException("total: " + total + " (expected: >= 0)");
    }
    return new RequestBudget(new AtomicInteger(), total, 1);
  }

  /** The budget of a call this request makes to another worker: one level deeper, same counter. */
  public RequestBudget nextHop() {
    return new RequestBudget(used, total, depth + 1);
  }

  /** 1 for the incoming request, 2 for a worker it called, and so on. */
  public int depth() {
    return depth;
  }

  /** Whether a call one level deeper than this would pass {@link #MAX_DEPTH}. */
  public boolean nextHopTooDeep() {
    return depth + 1 > MAX_DEPTH;
  }

  /** Subrequests allowed in total across hops. */
  public int total() {
    return total;
  }

  /** Subrequests made so far across hops. */
  public int used() {
    return Math.min(used.get(), total);
  }

  /** Takes one subrequest from the shared budget; false (and nothing taken) when it is spent. */
  public boolean tryAcquire() {
    int n;
    do {
      n = used.get();
      if (n >= total) {
        return false;
      }
    } while (!used.compareAndSet(n, n + 1));
    return true;
  }

  /** The error text a call gets when the chain would become too deep. */
  public static String depthError() {
    return "Subrequest depth limit exceeded: this request recursed through workers too many "
        + "times (at most " + MAX_DEPTH + " in a chain), e.g. a worker that calls itself or "
        + "another worker that calls it back";
  }
}
