package dev.capmesh.runner.services;

import dev.capmesh.runner.service.BodyStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;

/** A file's bytes as a {@link BodyStream}; every blocking read runs on the given executor. */
final class FileBodyStream implements BodyStream {
  private static final int CHUNK = 64 * 1024;
  private final Path path;
  private final long length;
  private final Executor executor;
  private @Nullable FileChannel channel;
  private long position;
  private volatile boolean closed;

  FileBodyStream(Path path, long length, Executor executor) {
    this.path = path;
    this.length = length;
    this.executor = executor;
  }

  @Override public CompletionStage<@Nullable ByteBuffer> read() {
    return CompletableFuture.supplyAsync(this::readChunk, executor);
  }

  private synchronized @Nullable ByteBuffer readChunk() {
    if (closed || position >= length) {
      close();
      return null;
    }
    try {
      if (channel == null) {
        channel = FileChannel.open(path, StandardOpenOption.READ, java.nio.file.LinkOption.NOFOLLOW_LINKS);
      }
      var buf = ByteBuffer.allocate((int) Math.min(CHUNK, length - position));
      int n = channel.read(buf, position);
      if (n < 0) {
        throw new IOException("file shrank while being read: " + path.getFileName());
      }
      position += n;
      return buf.flip();
    } catch (IOException e) {
      close();
      throw new UncheckedIOException(e);
    }
  }

  @Override public void cancel() {
    closed = true;
    executor.execute(this::close);
  }

  private synchronized void close() {
    closed = true;
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException ignored) {
        // nothing useful to do; the stream is over either way
      }
      channel = null;
    }
  }

  @Override public long knownLength() {
    return length;
  }
}
