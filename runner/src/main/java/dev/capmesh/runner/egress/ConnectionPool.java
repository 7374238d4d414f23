package dev.capmesh.runner.egress;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * Idle keep-alive connections of one {@link EgressClient}, per {@link EgressTarget}: the most
 * recently used first, at most {@code maxIdlePerTarget} per target and {@code maxIdle} in all,
 * each closed after {@code idleTimeout} unused or as soon as the server closes it. Connections in
 * use are not counted here (the worker's subrequest limit bounds them). Thread-safe: {@link
 * #poll} may run on any thread; {@link #offer} runs on the connection's event loop.
 */
final class ConnectionPool {
  private final Map<EgressTarget, ConcurrentLinkedDeque<PooledConnection>> idle = new ConcurrentHashMap<>();
  private final AtomicInteger idleCount = new AtomicInteger();
  private final int maxIdlePerTarget;
  private final int maxIdle;
  private final Duration idleTimeout;
  private volatile boolean closed;

  ConnectionPool(int maxIdlePerTarget, int maxIdle, Duration idleTimeout) {
    this.maxIdlePerTarget = maxIdlePerTarget;
    this.maxIdle = maxIdle;
    this.idleTimeout = idleTimeout;
  }

  /** An idle, open connection to {@code target} taken out of the pool, or null. */
  @Nullable PooledConnection poll(EgressTarget target) {
    var deque = idle.get(target);
    if (deque == null) {
      return null;
    }
    while (true) {
      PooledConnection c = deque.pollLast();
      if (c == null) {
        return null;
      }
      if (c.claim()) {
        idleCount.decrementAndGet();
        if (c.channel().isActive()) {
          return c;
        }
        c.channel().close();
      }
    }
  }

  /**
   * Keeps {@code c} for reuse if there is room, else closes it. Runs on its event loop, after
   * its exchange finished cleanly.
   */
  void offer(PooledConnection c) {
    var deque = idle.computeIfAbsent(c.target(), t -> new ConcurrentLinkedDeque<>());
    if (closed || !c.channel().isActive() || deque.size() >= maxIdlePerTarget) {
      c.channel().close();
      return;
    }
    if (idleCount.incrementAndGet() > maxIdle) {
      idleCount.decrementAndGet();
      c.channel().close();
      return;
    }
    c.park(c.channel().eventLoop().schedule(() -> evict(c), idleTimeout.toNanos(), TimeUnit.NANOSECONDS));
    deque.addLast(c);
    if (closed) {
      evict(c); // close() ran while we were adding
    }
  }

  /** Drops {@code c} if it is idle here (the server closed it, it timed out, it sent junk). */
  void evict(PooledConnection c) {
    if (c.claim()) {
      idleCount.decrementAndGet();
      var deque = idle.get(c.target());
      if (deque != null) {
        deque.remove(c);
      }
      c.channel().close();
    }
  }

  /** Idle connections kept now (for tests and metrics). */
  int idleConnections() {
    return idleCount.get();
  }

  /** Closes every idle connection; later offers close theirs. */
  void close() {
    closed = true;
    for (var deque : idle.values()) {
      for (PooledConnection c : deque) {
        evict(c);
      }
    }
  }
}
