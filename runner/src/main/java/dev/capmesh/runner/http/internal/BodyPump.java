package dev.capmesh.runner.http.internal;

import dev.capmesh.runner.service.BodyStream;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.LastHttpContent;
import java.nio.ByteBuffer;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Copies a {@link BodyStream} into a channel as HTTP content, one chunk at a time: the next chunk
 * is pulled only while the channel is writable, so a slow receiver slows the producer. Ends with
 * a last-content marker. Not part of the API; all methods except the constructor run on the
 * channel's event loop.
 */
public final class BodyPump {
  private final Channel channel;
  private final BodyStream body;
  private final Consumer<@Nullable Throwable> done;
  private boolean waitingForWritable;
  private boolean finished;
  private long bytes;

  /**
   * @param done called once on the event loop: with null after the last content was written, or
   *     with the failure (body failed or write failed; the body has then been cancelled)
   */
  public BodyPump(Channel channel, BodyStream body, Consumer<@Nullable Throwable> done) {
    this.channel = channel;
    this.body = body;
    this.done = done;
  }

  /** Starts pumping. */
  public void start() {
    pull();
  }

  /** Bytes handed to the channel so far. */
  public long bytes() {
    return bytes;
  }

  /** To be called from the handler's {@code channelWritabilityChanged}. */
  public void writabilityChanged() {
    if (waitingForWritable && channel.isWritable() && !finished) {
      waitingForWritable = false;
      pull();
    }
  }

  /** Stops early (the connection went away); cancels the body. */
  public void abort(Throwable cause) {
    if (!finished) {
      finished = true;
      body.cancel();
      done.accept(cause);
    }
  }

  private void pull() {
    // Always hop through the loop's task queue: a body whose reads complete synchronously would
    // otherwise recurse once per chunk.
    body.read().whenComplete((chunk, error) ->
        channel.eventLoop().execute(() -> onChunk(chunk, error)));
  }

  private void onChunk(@Nullable ByteBuffer chunk, @Nullable Throwable error) {
    if (finished) {
      return;
    }
    if (error != null) {
      finished = true;
      body.cancel();
      done.accept(error);
      return;
    }
    if (chunk == null) {
      finished = true;
      channel.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT).addListener(f -> {
        done.accept(f.isSuccess() ? null : f.cause());
      });
      return;
    }
    if (!chunk.hasRemaining()) {
      pull();
      return;
    }
    bytes += chunk.remaining();
    channel.writeAndFlush(new DefaultHttpContent(Unpooled.wrappedBuffer(chunk))).addListener(f -> {
      if (!f.isSuccess()) {
        abort(f.cause());
      }
    });
    if (channel.isWritable()) {
      pull();
    } else {
      waitingForWritable = true;
    }
  }
}
