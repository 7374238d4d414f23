package dev.capmesh.runner.js;

import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;

/**
 * What a context knows about one request or RPC call it serves: its id, the CPU time and
 * subrequests it has used, the Java futures waiting on the context for it, and what to do if
 * the context dies under it.
 */
final class RequestState {
  final String requestId;
  /** The CPU time this request may use (the cold-start allowance for a worker's first ones). */
  final long cpuLimitNanos;
  final AtomicInteger subrequests = new AtomicInteger();
  /** CPU nanoseconds of finished tasks; written only by the context thread. */
  volatile long cpuNanos;
  private final Set<CompletableFuture<?>> pending = ConcurrentHashMap.newKeySet();
  /** (reason, culprit) -> answer the caller; called at most once. */
  private final BiConsumer<String, Boolean> onKill;
  private final AtomicInteger openParts;
  private final Runnable onFinish;

  /**
   * @param parts how many parts must end before the request counts as finished (for fetch: the
   *     handler with its waitUntil promises, and the response body)
   */
  RequestState(String requestId, long cpuLimitNanos, int parts, BiConsumer<String, Boolean> onKill,
      Runnable onFinish) {
    this.requestId = requestId;
    this.cpuLimitNanos = cpuLimitNanos;
    this.openParts = new AtomicInteger(parts);
    this.onKill = onKill;
    this.onFinish = onFinish;
  }

  <T> CompletableFuture<T> track(CompletableFuture<T> future) {
    pending.add(future);
    future.whenComplete((v, e) -> pending.remove(future));
    return future;
  }

  void partDone() {
    if (openParts.decrementAndGet() == 0) {
      onFinish.run();
    }
  }

  void kill(String reason, boolean culprit) {
    onKill.accept(reason, culprit);
    var error = new IllegalStateException("the worker's context was stopped (" + reason + ")");
    for (CompletableFuture<?> f : pending) {
      f.completeExceptionally(error);
    }
  }
}
