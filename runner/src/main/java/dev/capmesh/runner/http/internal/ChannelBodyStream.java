package dev.capmesh.runner.http.internal;

import dev.capmesh.runner.service.BodyStream;
import dev.capmesh.runner.service.BodyTooLargeException;
import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.EventExecutor;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;

/**
 * A {@link BodyStream} fed from a Netty channel whose auto-read is off: the channel is asked for
 * more bytes ({@code demand}) only when the consumer reads and nothing is queued, so a slow
 * consumer slows the sender through TCP flow control. Not part of the API.
 *
 * <p>The {@code on*} methods are called on the channel's event loop; {@link #read()} and {@link
 * #cancel()} may be called from any thread and hop onto the event loop.
 */
public final class ChannelBodyStream implements BodyStream {
  private final EventExecutor loop;
  private final Runnable demand;
  private final Runnable onCancel;
  private final long limit;
  private final long knownLength;
  private final ArrayDeque<ByteBuffer> queue = new ArrayDeque<>();
  private @Nullable CompletableFuture<@Nullable ByteBuffer> pending;
  private @Nullable Throwable failure;
  private boolean ended;
  private boolean cancelled;
  private long received;

  /**
   * @param loop the channel's event loop
   * @param demand asks the channel for more input (typically {@code ctx.read()})
   * @param onCancel runs on the loop when the consumer gives up early
   * @param limit the most bytes accepted before the stream fails with {@link
   *     BodyTooLargeException}
   * @param knownLength Content-Length, or -1
   */
  public ChannelBodyStream(EventExecutor loop, Runnable demand, Runnable onCancel, long limit,
      long knownLength) {
    this.loop = loop;
    this.demand = demand;
    this.onCancel = onCancel;
    this.limit = limit;
    this.knownLength = knownLength;
  }

  /**
   * Takes a chunk from the channel (a copy is kept; the caller still owns and releases {@code
   * buf}). Returns false if the chunk pushed the body over the limit.
   */
  public boolean onContent(ByteBuf buf) {
    if (cancelled || ended || failure != null) {
      return failure == null;
    }
    int n = buf.readableBytes();
    received += n;
    if (received > limit) {
      onFailure(new BodyTooLargeException(limit));
      return false;
    }
    if (n == 0) {
      return true;
    }
    byte[] copy = new byte[n];
    buf.getBytes(buf.readerIndex(), copy);
    ByteBuffer chunk = ByteBuffer.wrap(copy);
    var p = pending;
    if (p != null) {
      pending = null;
      p.complete(chunk);
    } else {
      queue.add(chunk);
    }
    return true;
  }

  /** The body ended normally. */
  public void onEnd() {
    if (ended || failure != null) {
      return;
    }
    ended = true;
    var p = pending;
    if (p != null && queue.isEmpty()) {
      pending = null;
      p.complete(null);
    }
  }

  /** The body cannot complete (disconnect, malformed chunk, size limit). */
  public void onFailure(Throwable cause) {
    if (ended || failure != null) {
      return;
    }
    failure = cause;
    queue.clear();
    var p = pending;
    if (p != null) {
      pending = null;
      p.completeExceptionally(cause);
    }
  }

  /** Whether the body ended, failed or was cancelled: no more input belongs to it. */
  public boolean isFinished() {
    return ended || failure != null;
  }

  /** Whether the consumer cancelled the stream. */
  public boolean isCancelled() {
    return cancelled;
  }

  /** Bytes received so far. */
  public long received() {
    return received;
  }

  @Override public CompletionStage<@Nullable ByteBuffer> read() {
    var f = new CompletableFuture<@Nullable ByteBuffer>();
    if (loop.inEventLoop()) {
      doRead(f);
    } else {
      loop.execute(() -> doRead(f));
    }
    return f;
  }

  private void doRead(CompletableFuture<@Nullable ByteBuffer> f) {
    if (!queue.isEmpty()) {
      f.complete(queue.poll());
    } else if (failure != null) {
      f.completeExceptionally(failure);
    } else if (ended || cancelled) {
      f.complete(null);
    } else if (pending != null) {
      f.completeExceptionally(new IllegalStateException("read() called before the previous read completed"));
    } else {
      pending = f;
      demand.run();
    }
  }

  @Override public void cancel() {
    Runnable r = () -> {
      if (cancelled) {
        return;
      }
      cancelled = true;
      queue.clear();
      var p = pending;
      if (p != null) {
        pending = null;
        p.complete(null);
      }
      onCancel.run();
    };
    if (loop.inEventLoop()) {
      r.run();
    } else {
      loop.execute(r);
    }
  }

  @Override public long knownLength() {
    return knownLength;
  }
}
