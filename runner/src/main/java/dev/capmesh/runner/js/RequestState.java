package dev.capmesh.runner.js;

import dev.capmesh.runner.service.RequestBudget;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;

/**
 * What a context knows about one request or RPC call it serves: its id, the CPU time and
 * subrequests it has used, the Java futures waiting on the context for it, and what to do if
 * the context dies under it.
 */
final class RequestState {
  final String requestId;
  /** The budget of the incoming request this one belongs to, shared across hops. */
  final RequestBudget budget;
  /** The CPU time this request may use (the cold-start allowance for a worker's first ones). */
  final long cpuLimitNanos;
  final AtomicInteger subrequests = new AtomicInteger();
  /** KV operations started (see KvHooks.MAX_OPERATIONS_PER_REQUEST). */
  final AtomicInteger kvOperations = new AtomicInteger();
  /** This request's KV completions waiting for the context (created on the context thread). */
  WorkerContext.@Nullable Batch kvBatch;
  /** R2 operations started (see StorageHooks.MAX_OPERATIONS_PER_REQUEST). */
  final AtomicInteger storageOperations = new AtomicInteger();
  /** Run once when the request is over or killed: releases what it opened (storage bodies). */
  private final java.util.Queue<Runnable> atEnd = new java.util.concurrent.ConcurrentLinkedQueue<>();
  /** CPU nanoseconds of finished tasks; written only by the context thread. */
  volatile long cpuNanos;
  /** Set when the request is over (answered, body sent, waitUntil settled): its timers end. */
  volatile boolean ended;
  private final Set<CompletableFuture<?>> pending = ConcurrentHashMap.newKeySet();
  /** Asynchronous operations started for this request that will post a task back (I/O, timers). */
  private final AtomicInteger outstanding = new AtomicInteger();
  /** Tasks posted for this request and not yet started. */
  final AtomicInteger queued = new AtomicInteger();
  /** Set once the handler has answered (a response, an error, an RPC result). */
  volatile boolean responded;
  /** (reason, culprit) -> answer the caller; called at most once. */
  private final BiConsumer<String, Boolean> onKill;
  private final AtomicInteger openParts;
  private final Runnable onFinish;
  /** Fetches through bindings not yet reported (their bodies are still open); created on demand. */
  private volatile @Nullable Set<BindingUses.FetchUse> openUses;

  /**
   * @param parts how many parts must end before the request counts as finished (for fetch: the
   *     handler with its waitUntil promises, and the response body)
   */
  RequestState(String requestId, RequestBudget budget, long cpuLimitNanos, int parts,
      BiConsumer<String, Boolean> onKill, Runnable onFinish) {
    this.requestId = requestId;
    this.budget = budget;
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

  /** An operation that will post a task back for this request has started. */
  void opened() {
    outstanding.incrementAndGet();
  }

  /** Such an operation has posted its task back (called from that task). */
  void closed() {
    outstanding.decrementAndGet();
  }

  /**
   * Whether the handler has not answered and nothing could still make it answer: no task queued
   * for it and no I/O or timer of its own outstanding. Its promise then never settles (workerd:
   * "The script will never generate a response").
   */
  boolean waitsOnNothing() {
    return !responded && outstanding.get() == 0 && queued.get() == 0;
  }

  void partDone() {
    if (openParts.decrementAndGet() == 0) {
      onFinish.run();
    }
  }

  /** Runs {@code action} when this request is over (or killed), unless it is over already. */
  void atEnd(Runnable action) {
    atEnd.add(action);
    if (ended) {
      runAtEnd();
    }
  }

  /** Runs what {@link #atEnd} registered; each action once. */
  void runAtEnd() {
    for (Runnable r; (r = atEnd.poll()) != null; ) {
      try {
        r.run();
      } catch (RuntimeException e) {
        // releasing one thing must not stop the others
      }
    }
  }

  void openUse(BindingUses.FetchUse use) {
    Set<BindingUses.FetchUse> open = openUses;
    if (open == null) {
      synchronized (this) {
        open = openUses;
        if (open == null) {
          open = ConcurrentHashMap.newKeySet();
          openUses = open;
        }
      }
    }
    open.add(use);
  }

  void closeUse(BindingUses.FetchUse use) {
    Set<BindingUses.FetchUse> open = openUses;
    if (open != null) {
      open.remove(use);
    }
  }

  /**
   * The request is over: fetches whose response body the worker never read to the end are
   * reported now, with what they moved so far.
   */
  void endUses() {
    Set<BindingUses.FetchUse> open = openUses;
    if (open != null) {
      for (BindingUses.FetchUse use : List.copyOf(open)) {
        use.end();
      }
    }
  }

  void kill(String reason, boolean culprit) {
    runAtEnd();
    onKill.accept(reason, culprit);
    var error = new IllegalStateException("the worker's context was stopped (" + reason + ")");
    for (CompletableFuture<?> f : pending) {
      f.completeExceptionally(error);
    }
    endUses();
  }
}
