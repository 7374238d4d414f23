package dev.capmesh.runner.http;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The one timeout a connection runs at a time, chosen by what it waits for from the client.
 * Used only on the connection's event loop.
 */
final class ConnectionTimer {
  /** What a connection is waiting for from the client, and so which timeout runs. */
  enum Wait {
    /** Nothing: a request is being served and the service has not asked for body bytes. */
    NOTHING,
    /** A keep-alive connection between requests, before any byte of the next one. */
    IDLE,
    /** The rest of a request's header block (connection just accepted, or bytes arrived). */
    HEADER,
    /** Body bytes the service asked for. */
    BODY
  }

  private final EventExecutor loop;
  private final ConnectionLimits limits;
  private final Consumer<Wait> expired;
  private @Nullable ScheduledFuture<?> timer;
  private Wait waiting = Wait.NOTHING;

  /** @param expired called on the loop when the wait it names ran out */
  ConnectionTimer(EventExecutor loop, ConnectionLimits limits, Consumer<Wait> expired) {
    this.loop = loop;
    this.limits = limits;
    this.expired = expired;
  }

  /** What the connection waits for now. */
  Wait waiting() {
    return waiting;
  }

  /** Starts waiting for {@code what} with its timeout, replacing whatever ran before. */
  void await(Wait what) {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
    waiting = what;
    Duration timeout = switch (what) {
      case NOTHING -> null;
      case IDLE -> limits.idleTimeout();
      case HEADER -> limits.headerTimeout();
      case BODY -> limits.bodyTimeout();
    };
    if (timeout != null) {
      timer = loop.schedule(() -> fire(what), timeout.toNanos(), TimeUnit.NANOSECONDS);
    }
  }

  private void fire(Wait what) {
    if (waiting != what) {
      return; // replaced after this task was already queued
    }
    timer = null;
    waiting = Wait.NOTHING;
    expired.accept(what);
  }
}
