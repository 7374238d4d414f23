package dev.capmesh.runner.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

/** The two stream adapters on their own: order, backpressure, the idle watchdog. */
class BodyAdaptersTest {
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

  @AfterEach void stop() {
    timer.shutdownNow();
  }

  /** A publisher that emits {@code chunks} one-byte chunks as they are requested, then stops (or completes). */
  private static final class Emitter implements Publisher<ByteBuffer> {
    final int chunks;
    final boolean completes;
    final AtomicLong requested = new AtomicLong();
    volatile boolean cancelled;

    Emitter(int chunks, boolean completes) {
      this.chunks = chunks;
      this.completes = completes;
    }

    @Override public void subscribe(Subscriber<? super ByteBuffer> s) {
      s.onSubscribe(new Subscription() {
        int sent;

        @Override public synchronized void request(long n) {
          requested.addAndGet(n);
          for (long i = 0; i < n; i++) {
            if (sent < chunks) {
              s.onNext(ByteBuffer.wrap(new byte[] {(byte) sent++}));
            } else if (completes) {
              s.onComplete();
              return;
            }
          }
        }

        @Override public void cancel() {
          cancelled = true;
        }
      });
    }
  }

  private BodySubscriber subscriber(Emitter e, Duration idle) {
    return BodySubscriber.of(e, -1, t -> t, timer, idle, () -> new IllegalStateException("idle timeout"));
  }

  @Test void asksForNothingBeforeTheFirstReadThenAtMostAFewChunksBeyondThoseRead() throws Exception {
    var e = new Emitter(10, true);
    BodySubscriber s = subscriber(e, Duration.ofSeconds(30));
    assertThat(e.requested.get()).isZero();
    var got = new ArrayList<Byte>();
    for (ByteBuffer b; (b = s.read().toCompletableFuture().get(5, TimeUnit.SECONDS)) != null; ) {
      got.add(b.get());
      assertThat(e.requested.get()).isBetween((long) got.size(), (long) got.size() + BodySubscriber.AHEAD);
    }
    assertThat(got).containsExactly((byte) 0, (byte) 1, (byte) 2, (byte) 3, (byte) 4, (byte) 5, (byte) 6,
        (byte) 7, (byte) 8, (byte) 9);
  }

  @Test void aConsumerThatStopsReadingStopsTheConnectionAfterAFewChunks() throws Exception {
    var e = new Emitter(1_000, true);
    BodySubscriber s = subscriber(e, Duration.ofSeconds(30));
    assertThat(s.read().toCompletableFuture().get(5, TimeUnit.SECONDS).get()).isZero();
    // The emitter answers every request at once: what it was asked for is all it sent.
    assertThat(e.requested.get()).isEqualTo((long) BodySubscriber.AHEAD);
    for (int i = 1; i <= 3; i++) {
      assertThat(s.read().toCompletableFuture().get(5, TimeUnit.SECONDS).get()).isEqualTo((byte) i);
    }
    assertThat(e.requested.get()).as("4 chunks read, AHEAD waiting").isEqualTo(4L + BodySubscriber.AHEAD);
    s.cancel();
    assertThat(e.cancelled).isTrue();
  }

  @Test void aReadLeftUnansweredFailsAndCancels() throws Exception {
    var e = new Emitter(1, false);
    BodySubscriber s = subscriber(e, Duration.ofMillis(200));
    assertThat(s.read().toCompletableFuture().get(5, TimeUnit.SECONDS).get()).isZero();
    CompletableFuture<ByteBuffer> stuck = s.read().toCompletableFuture();
    try {
      stuck.get(30, TimeUnit.SECONDS);
      throw new AssertionError("the read should have failed");
    } catch (ExecutionException x) {
      assertThat(x.getCause()).hasMessage("idle timeout");
    }
    assertThat(e.cancelled).isTrue();
  }

  @Test void theConsumersOwnPausesDoNotCount() throws Exception {
    var e = new Emitter(3, true);
    BodySubscriber s = subscriber(e, Duration.ofMillis(100));
    s.read().toCompletableFuture().get(5, TimeUnit.SECONDS);
    Thread.sleep(400); // a slow consumer, not synchronization: nothing is pending meanwhile
    assertThat(s.read().toCompletableFuture().get(5, TimeUnit.SECONDS).get()).isEqualTo((byte) 1);
    assertThat(e.cancelled).isFalse();
  }

  @Test void publisherKeepsOrderWhenReadsCompleteOnOtherThreads() throws Exception {
    long size = 3_000_000;
    var body = new GeneratedBody(size, 997, true);
    var out = new CompletableFuture<List<ByteBuffer>>();
    var chunks = new ArrayList<ByteBuffer>();
    new BodyPublisher(body, size).subscribe(new Subscriber<>() {
      Subscription sub;

      @Override public void onSubscribe(Subscription s) {
        sub = s;
        s.request(4);
      }

      @Override public void onNext(ByteBuffer b) {
        chunks.add(b);
        sub.request(1);
      }

      @Override public void onError(Throwable t) {
        out.completeExceptionally(t);
      }

      @Override public void onComplete() {
        out.complete(chunks);
      }
    });
    long at = 0;
    for (ByteBuffer b : out.get(60, TimeUnit.SECONDS)) {
      while (b.hasRemaining()) {
        assertThat(b.get()).as("byte %d", at).isEqualTo(GeneratedBody.byteAt(at));
        at++;
      }
    }
    assertThat(at).isEqualTo(size);
    assertThat(body.overlappingRead).isFalse();
  }

  @Test void publisherRefusesABodyOfTheWrongLength() throws Exception {
    var result = new CompletableFuture<Void>();
    new BodyPublisher(new GeneratedBody(100, 10, false), 50).subscribe(new Subscriber<>() {
      @Override public void onSubscribe(Subscription s) {
        s.request(Long.MAX_VALUE);
      }

      @Override public void onNext(ByteBuffer b) {}

      @Override public void onError(Throwable t) {
        result.completeExceptionally(t);
      }

      @Override public void onComplete() {
        result.complete(null);
      }
    });
    try {
      result.get(30, TimeUnit.SECONDS);
      throw new AssertionError("a longer body should fail");
    } catch (ExecutionException x) {
      assertThat(x.getCause()).hasMessageContaining("longer than its announced 50 bytes");
    }
  }
}
