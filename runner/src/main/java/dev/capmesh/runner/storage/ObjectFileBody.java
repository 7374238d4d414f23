package dev.capmesh.runner.storage;

import dev.capmesh.runner.service.BodyStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;

/**
 * A region of an open data file as a body, read 64 KiB at a time on the store's executor. The
 * file stays open (and readable, even once a later write unlinks it) until the body ends or is
 * cancelled; a read after a cancel fails rather than looking like the end of the object.
 */
final class ObjectFileBody implements BodyStream {
  private static final int CHUNK = 64 * 1024;

  private final FileChannel channel;
  private final long end;
  private final long length;
  private final Executor io;
  private long position;
  private boolean done;
  /** Cancelled before its end: later reads fail rather than look like the end of the object. */
  private boolean cancelled;

  ObjectFileBody(FileChannel channel, long offset, long length, Executor io) {
    this.channel = channel;
    this.position = offset;
    this.end = offset + length;
    this.length = length;
    this.io = io;
  }

  @Override public CompletionStage<@Nullable ByteBuffer> read() {
    return CompletableFuture.supplyAsync(this::next, io);
  }

  private synchronized @Nullable ByteBuffer next() {
    if (cancelled) {
      throw new ObjectStoreException("the object's body was cancelled before its end");
    }
    if (done || position >= end) {
      finish();
      return null;
    }
    try {
      var buf = ByteBuffer.allocate((int) Math.min(CHUNK, end - position));
      while (buf.hasRemaining()) {
        int n = channel.read(buf, position);
        if (n < 0) {
          throw new ObjectStoreException("an object's data ended before its recorded size");
        }
        position += n;
      }
      return buf.flip();
    } catch (IOException e) {
      finish();
      throw new UncheckedIOException(e);
    } catch (RuntimeException e) {
      finish();
      throw e;
    }
  }

  @Override public void cancel() {
    Runnable close = () -> {
      synchronized (this) {
        cancelled = !done && position < end;
        finish();
      }
    };
    try {
      io.execute(close);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      close.run(); // the store is shutting down: close here
    }
  }

  private synchronized void finish() {
    if (!done) {
      done = true;
      try {
        channel.close();
      } catch (IOException ignored) {
        // the stream is over either way
      }
    }
  }

  @Override public long knownLength() {
    return length;
  }
}
