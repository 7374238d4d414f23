package dev.capmesh.runner.js;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.graalvm.polyglot.Value;
import org.jspecify.annotations.Nullable;

/**
 * The pending {@code setTimeout}/{@code setInterval} timers of one context. A timer belongs to
 * the request that set it, or to the context's background work when it was set outside any
 * request (at load time, or by a background timer). A request's timers end with the request: once
 * it has answered, sent its body and settled its {@code waitUntil} promises, whatever it still has
 * pending is cancelled and removed from the runtime's scheduler (workerd does the same when a
 * request's I/O context is torn down). Cancelled timers leave the scheduler at once: the runtime's
 * scheduler removes tasks on cancel.
 *
 * <p>Threading: {@link #set} and {@link #clear} run on the context's thread; {@link #endOf} and
 * {@link #cancelAll} may run on any thread.
 */
final class Timers {
  private final ScheduledExecutorService scheduler;
  /** Posts a task to the context for a request (null: background). */
  private final BiConsumer<@Nullable RequestState, Runnable> post;
  private final Map<Integer, Timer> byId = new ConcurrentHashMap<>();
  private final Map<RequestState, Set<Integer>> byOwner = new ConcurrentHashMap<>();
  /** Confined to the context's thread. */
  private int nextId = 1;

  /** A pending timer and the request it was set for (null: background). */
  private record Timer(ScheduledFuture<?> future, @Nullable RequestState owner) {}

  Timers(ScheduledExecutorService scheduler, BiConsumer<@Nullable RequestState, Runnable> post) {
    this.scheduler = scheduler;
    this.post = post;
  }

  /** Schedules {@code callback} for {@code owner} (null: background); returns the timer's id. */
  int set(@Nullable RequestState owner, long delayMs, boolean repeat, Value callback) {
    int id = nextId++;
    if (owner != null && owner.ended) {
      return id; // the request is over: its timers would be cancelled at once
    }
    Runnable fire = () -> post.accept(owner, () -> {
      if (repeat) {
        if (!byId.containsKey(id)) {
          return;
        }
      } else if (remove(id) == null) {
        return; // cleared, or its request ended, meanwhile
      }
      callback.execute();
    });
    if (owner != null) {
      owner.opened();
      byOwner.computeIfAbsent(owner, o -> ConcurrentHashMap.newKeySet()).add(id);
    }
    ScheduledFuture<?> f = repeat
        ? scheduler.scheduleAtFixedRate(fire, delayMs, delayMs, TimeUnit.MILLISECONDS)
        : scheduler.schedule(fire, delayMs, TimeUnit.MILLISECONDS);
    byId.put(id, new Timer(f, owner));
    if (owner != null && owner.ended) {
      endOf(owner); // ended while we were scheduling
    }
    return id;
  }

  /** {@code clearTimeout}/{@code clearInterval}: unknown ids are ignored. */
  void clear(int id) {
    Timer t = remove(id);
    if (t != null) {
      t.future().cancel(false);
    }
  }

  /** Removes timer {@code id}; its owner no longer waits on it. */
  private @Nullable Timer remove(int id) {
    Timer t = byId.remove(id);
    if (t != null && t.owner() != null) {
      t.owner().closed();
      Set<Integer> ids = byOwner.get(t.owner());
      if (ids != null) {
        ids.remove(id);
      }
    }
    return t;
  }

  /** {@code owner} is over: cancels every timer it still has. */
  void endOf(RequestState owner) {
    owner.ended = true;
    Set<Integer> ids = byOwner.remove(owner);
    if (ids == null) {
      return;
    }
    for (int id : ids) {
      Timer t = byId.remove(id);
      if (t != null) {
        t.future().cancel(false);
      }
    }
  }

  /** The context is closing: cancels everything. */
  void cancelAll() {
    for (int id : byId.keySet()) {
      Timer t = byId.remove(id);
      if (t != null) {
        t.future().cancel(false);
      }
    }
    byOwner.clear();
  }
}
