package dev.capmesh.runner.service;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;

/**
 * A pull-based, asynchronous stream of body bytes: the one body type every HTTP hop in the
 * runner uses (Netty socket, worker, service binding, network and disk services).
 *
 * <p>The consumer calls {@link #read()} and waits for the returned stage before it calls it
 * again; a producer therefore never runs ahead of its consumer (backpressure). Not thread-safe:
 * one consumer at a time.
 */
public interface BodyStream {

  /**
   * Returns the next chunk, or {@code null} when the body has ended. The stage fails if the
   * producer failed (for example the client disconnected or a size limit was hit).
   */
  CompletionStage<@Nullable ByteBuffer> read();

  /** Stops the stream early and releases what the producer holds. Idempotent. */
  void cancel();

  /** The body length if known in advance (Content-Length), else {@code -1}. */
  default long knownLength() {
    return -1;
  }
}
