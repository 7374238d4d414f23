package dev.capmesh.runner.kv;

import java.time.Duration;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;

/**
 * Where a KV namespace keeps its entries: plain storage, without the Workers KV limits (checked
 * by {@link KvNamespace} before a call gets here). Keys are the worker's own keys; a backend
 * keeps each namespace apart (a file per namespace, a key prefix per namespace). Expiration
 * times are absolute, in epoch seconds (0: never). A stage completes only once the backend has
 * acknowledged the operation. Implementations are thread-safe and never block the caller.
 */
public interface KvBackend extends AutoCloseable {

  /** The entry under {@code key}, or null; an expired entry ({@code expiration <= nowSeconds}) is null. */
  CompletionStage<@Nullable KvEntry> get(String key, long nowSeconds);

  /** Stores {@code entry} under {@code key}, replacing what was there. */
  CompletionStage<Void> put(String key, KvEntry entry);

  /** Removes {@code key}; removing an absent key succeeds. */
  CompletionStage<Void> delete(String key);

  /**
   * Up to {@code limit} live keys starting with {@code prefix}, in the order of their UTF-8
   * bytes, after {@code after} (exclusive; null: from the first).
   */
  CompletionStage<KvPage> list(String prefix, @Nullable String after, int limit, long nowSeconds);

  /**
   * What the backend is, for the errors workers see ("the embedded KV store", "Redis
   * 10.0.0.5:6379"): no credential, key prefix or file path.
   */
  String describe();

  /**
   * The time within which every get, put and delete stage completes by itself, failing with a
   * {@link java.util.concurrent.TimeoutException} once it passes; null if the backend does not
   * bound its calls (then {@link KvNamespace} sets a deadline on each).
   */
  default @Nullable Duration callTimeout() {
    return null;
  }

  /**
   * Holds the calls the current thread makes from now on until it sends the returned batch
   * (which it must, in a finally): a backend that can sends them to its store together. Null if
   * the backend sends every call at once.
   */
  default @Nullable Batch hold() {
    return null;
  }

  /**
   * Gets ready for the first call without being asked for anything: a network backend connects
   * (on the calling thread it only starts to; call this off any request's thread, since the
   * first connection loads the client's classes). The stage completes once the backend is ready
   * or failed to get there; a failure is not kept, and the first call tries again. Backends with
   * nothing to prepare complete at once.
   */
  default CompletionStage<Void> prepare() {
    return java.util.concurrent.CompletableFuture.completedFuture(null);
  }

  /** Calls one thread holds back; see {@link #hold}. */
  interface Batch {
    /** Sends the held calls and stops holding. */
    void send();
  }

  /** Releases the backend's files or connections. */
  @Override void close();
}
