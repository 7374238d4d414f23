package dev.capmesh.runner.storage.s3;

import dev.capmesh.runner.service.BodyStream;
import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;
import software.amazon.awssdk.core.async.AsyncRequestBody;

/**
 * A {@link BodyStream} as the SDK's request body: the stream is read only as the HTTP client
 * asks for more (one read in flight at a time), so a slow upload slows the producer instead of
 * filling memory. It can be sent once; it fails if the stream's length differs from the one
 * announced. Chunks are handed over as the stream gives them (its producers hand over
 * ownership).
 */
final class BodyPublisher implements AsyncRequestBody {
  private final BodyStream body;
  private final long length;
  private final AtomicBoolean subscribed = new AtomicBoolean();

  BodyPublisher(BodyStream body, long length) {
    this.body = body;
    this.length = length;
  }

  @Override public Optional<Long> contentLength() {
    return Optional.of(length);
  }

  @Override public void subscribe(Subscriber<? super ByteBuffer> s) {
    if (!subscribed.compareAndSet(false, true)) {
      s.onSubscribe(new Subscription() {
        @Override public void request(long n) {}

        @Override public void cancel() {}
      });
      s.onError(new IllegalStateException("an object's body can be sent only once"));
      return;
    }
    new Feed(s).start();
  }

  private final class Feed implements Subscription {
    private final Subscriber<? super ByteBuffer> subscriber;
    private final AtomicLong demand = new AtomicLong();
    private final AtomicInteger wip = new AtomicInteger();
    private volatile boolean reading;
    private volatile boolean done;
    private long sent;

    Feed(Subscriber<? super ByteBuffer> subscriber) {
      this.subscriber = subscriber;
    }

    void start() {
      subscriber.onSubscribe(this);
    }

    @Override public void request(long n) {
      if (n <= 0) {
        finish(new IllegalArgumentException("request: " + n + " (expected: > 0)"));
        return;
      }
      demand.getAndAccumulate(n, (a, b) -> a + b < 0 ? Long.MAX_VALUE : a + b);
      drain();
    }

    @Override public void cancel() {
      if (!done) {
        done = true;
        body.cancel();
      }
    }

    /** Starts reads while there is demand; a trampoline, so that reads completing at once do not recurse. */
    private void drain() {
      if (wip.getAndIncrement() != 0) {
        return;
      }
      do {
        if (!done && !reading && demand.get() > 0) {
          reading = true;
          body.read().whenComplete(this::onRead);
        }
      } while (wip.decrementAndGet() != 0);
    }

    private void onRead(@Nullable ByteBuffer chunk, @Nullable Throwable error) {
      if (done) {
        return;
      }
      if (error != null) {
        finish(error);
        return;
      }
      if (chunk == null) {
        if (sent != length) {
          finish(new IllegalStateException("the body ended after " + sent + " of its " + length + " bytes"));
        } else {
          done = true;
          subscriber.onComplete();
        }
        return;
      }
      sent += chunk.remaining();
      if (sent > length) {
        body.cancel();
        finish(new IllegalStateException("the body is longer than its announced " + length + " bytes"));
        return;
      }
      if (chunk.hasRemaining()) {
        demand.decrementAndGet();
        subscriber.onNext(chunk);
      }
      // Only now may another read start: a read started earlier could complete on another
      // thread and overtake this chunk.
      reading = false;
      drain();
    }

    private void finish(Throwable error) {
      if (!done) {
        done = true;
        subscriber.onError(error);
      }
    }
  }
}
