package dev.capmesh.runner.storage.s3;

import dev.capmesh.runner.service.BodyStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;

/**
 * Reads a body in parts of up to {@code partSize} bytes, for uploads that need each part's
 * length before sending it. One part is in memory at a time; a chunk that crosses a part's end
 * is split. Bytes are hashed ({@link S3Uploads.Digests}) as they are read. Not thread-safe: one
 * {@link #next} at a time.
 */
final class PartReader {
  /** A part's bytes, and whether the body ended with it. */
  record Part(ByteBuffer bytes, boolean last) {}

  private final BodyStream body;
  private final int partSize;
  private final S3Uploads.Digests digests;
  private @Nullable ByteBuffer carry;
  private long total;
  private boolean ended;

  PartReader(BodyStream body, int partSize, S3Uploads.Digests digests) {
    this.body = body;
    this.partSize = partSize;
    this.digests = digests;
  }

  /** The bytes read so far. */
  long total() {
    return total;
  }

  void cancel() {
    body.cancel();
  }

  /** The next part; an empty last part only for an empty body. */
  CompletionStage<Part> next() {
    var fill = new Fill();
    fill.step();
    return fill.result;
  }

  private final class Fill {
    final CompletableFuture<Part> result = new CompletableFuture<>();
    byte[] buf = new byte[Math.min(partSize, 64 << 10)];
    int size;

    /** Takes what is at hand; true when the part is full. */
    private boolean take(ByteBuffer chunk) {
      int n = Math.min(chunk.remaining(), partSize - size);
      if (size + n > buf.length) {
        buf = Arrays.copyOf(buf, (int) Math.min(partSize, Math.max((long) size + n, 2L * buf.length)));
      }
      chunk.get(buf, size, n);
      size += n;
      carry = chunk.hasRemaining() ? chunk : null;
      return size == partSize;
    }

    void step() {
      while (true) {
        if (carry != null && take(carry)) {
          finish(false);
          return;
        }
        if (ended) {
          finish(true);
          return;
        }
        CompletableFuture<@Nullable ByteBuffer> f = body.read().toCompletableFuture();
        if (!f.isDone()) {
          f.whenComplete((chunk, error) -> {
            if (accept(chunk, error)) {
              step();
            }
          });
          return;
        }
        ByteBuffer chunk;
        try {
          chunk = f.join();
        } catch (RuntimeException e) {
          result.completeExceptionally(S3Errors.unwrap(e));
          return;
        }
        if (!accept(chunk, null)) {
          return;
        }
      }
    }

    /** Records a read's outcome; false when the part is settled (failed). */
    private boolean accept(@Nullable ByteBuffer chunk, @Nullable Throwable error) {
      if (error != null) {
        result.completeExceptionally(S3Errors.unwrap(error));
        return false;
      }
      if (chunk == null) {
        ended = true;
      } else {
        digests.update(chunk);
        total += chunk.remaining();
        carry = chunk;
      }
      return true;
    }

    private void finish(boolean last) {
      // A body that ends exactly at a part's end: the next read says so, so peek before deciding.
      result.complete(new Part(ByteBuffer.wrap(buf, 0, size), last));
    }
  }
}
