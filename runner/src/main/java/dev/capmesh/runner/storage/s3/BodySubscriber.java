package dev.capmesh.runner.storage.s3;

import dev.capmesh.runner.service.BodyStream;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

/**
 * An S3 response body as a {@link BodyStream}. From the first {@link #read()} on, the HTTP client
 * is asked for at most {@value #AHEAD} chunks beyond those the consumer has read, so the next
 * chunks arrive while the consumer writes the last one, and the connection is still read only
 * as fast as the consumer reads (backpressure: at most {@value #AHEAD} chunks wait here).
 * Errors are translated by {@code errors} (naming the bucket, never a credential).
 */
final class BodySubscriber implements BodyStream, Subscriber<ByteBuffer> {
  /**
   * Chunks asked for or received and not read yet, at most. One at a time left the connection
   * idle while the consumer wrote each chunk: 1 MiB gets through a worker ran 1.2–1.4 times as
   * fast with four (docs/BENCHMARKS.md).
   */
  static final int AHEAD = 4;

  private final long length;
  private final Function<Throwable, Throwable> errors;
  private final ArrayDeque<ByteBuffer> queue = new ArrayDeque<>(AHEAD);
  private @Nullable Subscription subscription;
  private @Nullable CompletableFuture<@Nullable ByteBuffer> pending;
  /** Chunks asked for and not received yet (asked for before the subscription: not sent yet). */
  private long demanded;
  private long unrequested;
  private boolean complete;
  private boolean cancelled;
  private @Nullable Throwable failure;

  private final ScheduledExecutorService timer;
  private final Duration idle;
  private final Supplier<RuntimeException> timedOut;
  private @Nullable ScheduledFuture<?> watchdog;

  private BodySubscriber(long length, Function<Throwable, Throwable> errors, ScheduledExecutorService timer,
      Duration idle, Supplier<RuntimeException> timedOut) {
    this.length = length;
    this.errors = errors;
    this.timer = timer;
    this.idle = idle;
    this.timedOut = timedOut;
  }

  /**
   * Subscribes to {@code publisher}. A read that the server leaves unanswered for {@code idle}
   * fails with {@code timedOut} and cancels the body (the consumer's own pauses between reads do
   * not count).
   */
  static BodySubscriber of(Publisher<ByteBuffer> publisher, long length, Function<Throwable, Throwable> errors,
      ScheduledExecutorService timer, Duration idle, Supplier<RuntimeException> timedOut) {
    var s = new BodySubscriber(length, errors, timer, idle, timedOut);
    publisher.subscribe(s);
    return s;
  }

  /** Called with the lock held, when a read starts waiting. */
  private void arm(CompletableFuture<@Nullable ByteBuffer> waiting) {
    watchdog = timer.schedule(() -> expire(waiting), idle.toNanos(), TimeUnit.NANOSECONDS);
  }

  /** Called with the lock held, when the pending read is settled. */
  private void disarm() {
    ScheduledFuture<?> w = watchdog;
    watchdog = null;
    if (w != null) {
      w.cancel(false);
    }
  }

  private void expire(CompletableFuture<@Nullable ByteBuffer> waiting) {
    Subscription s;
    RuntimeException e = timedOut.get();
    synchronized (this) {
      if (pending != waiting) {
        return;
      }
      pending = null;
      watchdog = null;
      failure = e;
      cancelled = true;
      s = subscription;
    }
    if (s != null) {
      s.cancel();
    }
    waiting.completeExceptionally(e);
  }

  @Override public long knownLength() {
    return length;
  }

  @Override public CompletionStage<@Nullable ByteBuffer> read() {
    CompletionStage<@Nullable ByteBuffer> answer;
    Subscription toRequest;
    long n;
    synchronized (this) {
      if (pending != null) {
        return CompletableFuture.failedFuture(new IllegalStateException("a read is already in progress"));
      }
      ByteBuffer next = queue.poll();
      if (next != null) {
        answer = CompletableFuture.completedFuture(next);
      } else if (failure != null) {
        return CompletableFuture.failedFuture(failure);
      } else if (complete || cancelled) {
        return CompletableFuture.completedFuture(null);
      } else {
        var f = new CompletableFuture<@Nullable ByteBuffer>();
        pending = f;
        arm(f);
        answer = f;
      }
      n = topUp();
      toRequest = n > 0 ? subscription : null;
    }
    if (toRequest != null) {
      toRequest.request(n);
    }
    return answer;
  }

  /**
   * Called with the lock held: counts as asked for what keeps {@value #AHEAD} chunks asked for
   * or waiting, and returns how many to ask the subscription for now (0 before it exists, or
   * once the body ended).
   */
  private long topUp() {
    if (complete || cancelled || failure != null) {
      return 0;
    }
    long n = AHEAD - queue.size() - demanded;
    if (n <= 0) {
      return 0;
    }
    demanded += n;
    if (subscription == null) {
      unrequested += n;
      return 0;
    }
    return n;
  }

  @Override public void cancel() {
    Subscription s;
    CompletableFuture<@Nullable ByteBuffer> p;
    synchronized (this) {
      if (cancelled || complete) {
        return;
      }
      cancelled = true;
      queue.clear();
      s = subscription;
      p = pending;
      pending = null;
      disarm();
    }
    if (s != null) {
      s.cancel();
    }
    if (p != null) {
      p.complete(null);
    }
  }

  @Override public void onSubscribe(Subscription s) {
    long n;
    synchronized (this) {
      if (subscription != null || cancelled) {
        s.cancel();
        return;
      }
      subscription = s;
      n = unrequested;
      unrequested = 0;
    }
    if (n > 0) {
      s.request(n);
    }
  }

  @Override public void onNext(ByteBuffer chunk) {
    CompletableFuture<@Nullable ByteBuffer> p;
    Subscription again = null;
    long n = 0;
    synchronized (this) {
      if (cancelled) {
        return;
      }
      demanded = Math.max(0, demanded - 1);
      if (!chunk.hasRemaining()) {
        // An empty chunk satisfies no read: ask for the next one instead.
        n = topUp();
        again = n > 0 ? subscription : null;
        p = null;
      } else {
        p = pending;
        pending = null;
        disarm();
        if (p == null) {
          queue.add(chunk);
        }
      }
    }
    if (again != null) {
      again.request(n);
    }
    if (p != null) {
      p.complete(chunk);
    }
  }

  @Override public void onError(Throwable t) {
    CompletableFuture<@Nullable ByteBuffer> p;
    Throwable e = errors.apply(t);
    synchronized (this) {
      if (failure == null) {
        failure = e;
      }
      p = pending;
      pending = null;
      disarm();
    }
    if (p != null) {
      p.completeExceptionally(e);
    }
  }

  @Override public void onComplete() {
    CompletableFuture<@Nullable ByteBuffer> p;
    synchronized (this) {
      complete = true;
      p = pending;
      pending = null;
      disarm();
    }
    if (p != null) {
      p.complete(null);
    }
  }
}
