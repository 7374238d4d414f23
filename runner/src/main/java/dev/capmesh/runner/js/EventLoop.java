package dev.capmesh.runner.js;

import dev.capmesh.runner.observe.WorkerMeter;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.graalvm.polyglot.PolyglotException;
import org.jspecify.annotations.Nullable;

/**
 * The event loop of one context: its single thread, the queue of tasks posted to it, and the CPU
 * time each task is charged to. Every task runs on behalf of one {@link RequestState}: a request,
 * the load of the code ({@link #loading}, the worker's load allowance), or background work outside
 * any request ({@link #background}, the per-request CPU limit per {@value #BACKGROUND_WINDOW_NANOS}
 * ns window). The runtime's watchdog asks {@link #overCpuLimit} from its own thread.
 */
final class EventLoop {
  /** Background work may use the per-request CPU limit in every window of this length. */
  static final long BACKGROUND_WINDOW_NANOS = 1_000_000_000L;

  /** What the loop needs from the context it runs. */
  interface Host {
    /** Whether the context was stopped; tasks posted after that fail their request at once. */
    boolean isDead();

    /** The reason a request that finds the context stopped is given. */
    String toldReason();

    /** A task threw {@code error} (a {@link PolyglotException} or a JVM error) for {@code st}. */
    void taskFailed(RequestState st, Throwable error);

    /** {@code st} can no longer answer: nothing it waits on is left. */
    void neverAnswers(RequestState st);

    /**
     * A task has run (or thrown), outside any task now; {@code idle}: no other task is queued.
     * What tasks left for the end of a stretch of work runs here when it is due (KV commands
     * held back by those tasks are sent here, together; no request's CPU time). Returns
     * whether it ran anything.
     */
    boolean afterTask(boolean idle);
  }

  final RequestState loading;
  final RequestState background;
  private final JsRuntime runtime;
  private final Host host;
  private final ExecutorService executor;
  private final WorkerMeter meter;
  private volatile long threadId = -1;
  private volatile @Nullable RequestState current;
  private volatile long taskStartCpu;
  /** Tasks posted and not started yet. */
  private final AtomicInteger waiting = new AtomicInteger();
  /** Loop thread only (the constructor's write is published by the executor's start). */
  private long backgroundWindowStart = System.nanoTime();
  /** Loop thread only: the CPU clock at the end of the last task (-1: none to reuse), and when. */
  private long lastCpu = -1;
  private long lastCpuAt;

  EventLoop(String threadName, JsRuntime runtime, RequestState loading, RequestState background, Host host,
      WorkerMeter meter) {
    this.runtime = runtime;
    this.meter = meter;
    this.loading = loading;
    this.background = background;
    this.host = host;
    this.executor = Executors.newSingleThreadExecutor(r -> {
      var t = new Thread(r, threadName);
      t.setDaemon(true);
      threadId = t.threadId();
      return t;
    });
  }

  /** Whether {@code st} is a request (not the load, not background work). */
  boolean isRequest(@Nullable RequestState st) {
    return st != null && st != loading && st != background;
  }

  /** What the loop's thread runs now, or null between tasks. */
  @Nullable RequestState current() {
    return current;
  }

  /** CPU time the loop's thread has used so far (read from any thread). */
  long threadCpuNanos() {
    return Thread.currentThread().threadId() == threadId ? runtime.currentThreadCpuNanos()
        : runtime.threadCpuNanos(threadId);
  }

  /**
   * The CPU clock at the start of a task. Reading a thread's CPU clock is a system call on Linux
   * (no vDSO serves it), two per task. When this task starts within {@link #REUSE_NANOS} of wall
   * time after the last task ended, the reading taken at that end is used instead: the thread
   * cannot have used more CPU than wall time in between, so a task is charged at most that much
   * more than it used (the executor taking it from the queue). Under load, tasks run back to
   * back and save the call; an idle loop reads afresh.
   */
  private long startCpu() {
    if (lastCpu >= 0 && System.nanoTime() - lastCpuAt < REUSE_NANOS) {
      return lastCpu;
    }
    return runtime.currentThreadCpuNanos();
  }

  /** The most wall time between two tasks over which the first one's end reading is reused. */
  static final long REUSE_NANOS = 50_000;

  /** Posts {@code task} for {@code state} (null: background work). */
  void execute(@Nullable RequestState state, Runnable task) {
    RequestState st = state == null ? background : state;
    if (host.isDead()) {
      st.kill(host.toldReason(), false);
      return;
    }
    st.queued.incrementAndGet();
    waiting.incrementAndGet();
    try {
      executor.execute(() -> {
        st.queued.decrementAndGet();
        waiting.decrementAndGet();
        try {
          runTask(st, task);
        } finally {
          if (host.afterTask(waiting.get() == 0)) {
            lastCpu = -1; // that work is no request's: the next task reads the clock afresh
          }
        }
      });
    } catch (RejectedExecutionException e) {
      st.queued.decrementAndGet();
      waiting.decrementAndGet();
      st.kill(host.toldReason(), false);
    }
  }

  private void runTask(RequestState st, Runnable task) {
    if (host.isDead()) {
      st.kill(host.toldReason(), false);
      return;
    }
    long start = startCpu();
    if (st == background) {
      long now = System.nanoTime();
      if (now - backgroundWindowStart > BACKGROUND_WINDOW_NANOS) {
        backgroundWindowStart = now;
        st.cpuNanos = 0;
      }
    }
    taskStartCpu = start;
    current = st;
    try {
      task.run();
    } catch (PolyglotException | IllegalStateException | OutOfMemoryError | StackOverflowError e) {
      host.taskFailed(st, e);
    } finally {
      current = null;
      long end = runtime.currentThreadCpuNanos();
      lastCpu = end;
      lastCpuAt = System.nanoTime();
      long used = Math.max(0, end - start);
      st.cpuNanos += used;
      meter.cpuUsed(used);
    }
    if (isRequest(st) && !host.isDead() && st.waitsOnNothing()) {
      host.neverAnswers(st);
    }
  }

  /**
   * Whether the task running now has taken its state over its CPU limit (called by the
   * watchdog). The load gets the worker's load allowance (10 s by default: a cold context runs
   * interpreted until the JIT catches up); background work the per-request limit per window.
   */
  boolean overCpuLimit() {
    RequestState st = current;
    long start = taskStartCpu;
    return st != null && st.cpuNanos + threadCpuNanos() - start > st.cpuLimitNanos;
  }

  /** Lets the queued tasks run (they find the context dead) and ends the thread. */
  void shutdown() {
    executor.shutdown();
  }
}
