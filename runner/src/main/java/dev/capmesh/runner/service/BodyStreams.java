package dev.capmesh.runner.service;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;

/** Factories and helpers for {@link BodyStream}. */
public final class BodyStreams {
  private BodyStreams() {}

  private static final BodyStream EMPTY = new BodyStream() {
    @Override public CompletionStage<@Nullable ByteBuffer> read() {
      return CompletableFuture.completedFuture(null);
    }

    @Override public void cancel() {}

    @Override public long knownLength() {
      return 0;
    }
  };

  /** A body with no bytes. */
  public static BodyStream empty() {
    return EMPTY;
  }

  /** A body holding exactly {@code bytes}, delivered as one chunk. */
  public static BodyStream of(byte[] bytes) {
    if (bytes.length == 0) {
      return EMPTY;
    }
    return new BodyStream() {
      private boolean done;

      @Override public CompletionStage<@Nullable ByteBuffer> read() {
        if (done) {
          return CompletableFuture.completedFuture(null);
        }
        done = true;
        return CompletableFuture.completedFuture(ByteBuffer.wrap(bytes).asReadOnlyBuffer());
      }

      @Override public void cancel() {
        done = true;
      }

      @Override public long knownLength() {
        return bytes.length;
      }
    };
  }

  /**
   * Reads the whole body into memory, failing with {@link BodyTooLargeException} once more than
   * {@code maxBytes} arrive (the stream is then cancelled).
   */
  public static CompletableFuture<byte[]> readAll(BodyStream body, long maxBytes) {
    var out = new ByteArrayOutputStream();
    var result = new CompletableFuture<byte[]>();
    readLoop(body, maxBytes, out, result);
    return result;
  }

  private static void readLoop(
      BodyStream body, long maxBytes, ByteArrayOutputStream out, CompletableFuture<byte[]> result) {
    body.read().whenComplete((chunk, error) -> {
      if (error != null) {
        result.completeExceptionally(error);
        return;
      }
      if (chunk == null) {
        result.complete(out.toByteArray());
        return;
      }
      if (out.size() + (long) chunk.remaining() > maxBytes) {
        body.cancel();
        result.completeExceptionally(new BodyTooLargeException(maxBytes));
        return;
      }
      byte[] bytes = new byte[chunk.remaining()];
      chunk.get(bytes);
      out.writeBytes(bytes);
      readLoop(body, maxBytes, out, result);
    });
  }
}
