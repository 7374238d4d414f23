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
     * Whether what tasks left for the end of a stretch of work is due now (KV commands held back
     * by those tasks, sent together). Called once after every task.
     */
    boolean flushDue(boolean idle);

    /** Runs what {@link #flushDue} said was due; its CPU time is no request's. */
    void flush();
  }

  final RequestState loading;
  final RequestState background;
  private final JsRuntime runtime;
  private final Host host;
  private final ExecutorService executor;
  private final WorkerMeter meter;
  private volatile long threadId = -1;
  private volatile @Nullable RequestState current;
  /** For the watchdog: no less than the thread's CPU clock when the current task started. */
  private volatile long taskStartCpu;
  /** Tasks posted and not started yet. */
  private final AtomicInteger waiting = new AtomicInteger();
  /** Loop thread only (the constructor's write is published by the executor's start). */
  private long backgroundWindowStart = System.nanoTime();

  // The open stretch (loop thread only): tasks run since the CPU clock was last read, whose CPU
  // time is not charged yet. See openStretch.
  /** The CPU clock at the start of the open stretch (-1: none open), and when it was read. */
  private long stretchCpu = -1;
  private long stretchCpuAt;
  private final RequestState[] stretchStates = new RequestState[MAX_STRETCH_TASKS];
  private final long[] stretchWall = new long[MAX_STRETCH_TASKS];
  private int stretchTasks;
  private long stretchWallSum;
  /** When the open stretch's first task started. */
  private long stretchOpenedAt;
  /** The last reading, taken when a stretch closed (-1: none to reuse), and when. */
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

  /*
   * CPU accounting. Reading a thread's CPU clock is a system call on Linux (no vDSO serves it),
   * and a costly one in a VM (the kernel locks the run queue to read it). So the clock is read
   * once per stretch of tasks, not per task: a stretch is the tasks run between two readings,
   * at most MAX_STRETCH_TASKS of them within STRETCH_NANOS of wall time from the first one's
   * start; it ends early when the loop runs out of tasks and before the flush work (which is no
   * request's). Each task's wall time is taken from System.nanoTime (no system call), and the
   * stretch's CPU time is shared among its tasks in proportion to their wall time. The total is
   * exact; a task can be charged CPU time of another task of the same stretch (the same
   * worker's, up to STRETCH_NANOS worth) when the thread was preempted unevenly.
   *
   * A stretch starts from the reading that closed the last one, unless the flush ran since: in
   * between, the thread only took the next task from the queue (and slept, which uses no CPU),
   * and that executor time is charged to the new stretch.
   */

  /** The most tasks in one stretch. */
  static final int MAX_STRETCH_TASKS = 64;
  /** The most wall time from a stretch's first task's start to a task's end within it. */
  static final long STRETCH_NANOS = 1_000_000;
  /**
   * More CPU time than the executor can use between a stretch's reading and its first task
   * (taking a task from the queue, waking up): bounds the watchdog's estimate of a task's start.
   */
  static final long WAKE_NANOS = 1_000_000;

  /** Opens a stretch unless one is open; {@code now}: System.nanoTime. */
  private void openStretch(long now) {
    if (stretchCpu >= 0) {
      return;
    }
    if (lastCpu >= 0) {
      stretchCpu = lastCpu;
      stretchCpuAt = lastCpuAt;
    } else {
      stretchCpu = runtime.currentThreadCpuNanos();
      stretchCpuAt = System.nanoTime();
    }
    stretchOpenedAt = now;
  }

  /**
   * No less than the thread's CPU clock at {@code start} (within the open stretch): the thread
   * has used no more CPU than wall time since the reading, nor more than WAKE_NANOS before the
   * stretch's first task. The watchdog measures the task from here, so it never stops a task
   * before the task itself has used the limit (at worst a little after).
   */
  private long cpuBoundAt(long start) {
    return stretchCpu + Math.max(0, Math.min(start - stretchCpuAt, start - stretchOpenedAt + WAKE_NANOS));
  }

  /** Reads the clock and charges the open stretch's CPU time to its tasks' states. */
  private void closeStretch() {
    if (stretchCpu < 0) {
      return;
    }
    long cpu = runtime.currentThreadCpuNanos();
    lastCpu = cpu;
    lastCpuAt = System.nanoTime();
    long used = Math.max(0, cpu - stretchCpu);
    int n = stretchTasks;
    double perWallNano = stretchWallSum > 0 ? (double) used / stretchWallSum : 0;
    long charged = 0;
    for (int i = 0; i < n; i++) {
      // The last task gets the rounding remainder, so the charges add up to the reading.
      long share = i == n - 1 ? used - charged
          : stretchWallSum > 0 ? (long) (stretchWall[i] * perWallNano) : used / n;
      stretchStates[i].cpuNanos += share;
      charged += share;
      stretchStates[i] = null;
    }
    meter.cpuUsed(used);
    stretchTasks = 0;
    stretchWallSum = 0;
    stretchCpu = -1;
  }

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
          boolean idle = waiting.get() == 0;
          if (host.flushDue(idle)) {
            closeStretch();
            lastCpu = -1; // the flush is no request's: the next stretch reads the clock afresh
            host.flush();
          } else if (idle) {
            closeStretch();
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
    long start = System.nanoTime();
    if (st == background && start - backgroundWindowStart > BACKGROUND_WINDOW_NANOS) {
      closeStretch(); // what background work used so far belongs to the window that ends here
      backgroundWindowStart = start;
      st.cpuNanos = 0;
    }
    openStretch(start);
    taskStartCpu = cpuBoundAt(start);
    current = st;
    try {
      task.run();
    } catch (PolyglotException | IllegalStateException | OutOfMemoryError | StackOverflowError e) {
      host.taskFailed(st, e);
    } finally {
      current = null;
      long end = System.nanoTime();
      long wall = Math.max(0, end - start);
      stretchStates[stretchTasks] = st;
      stretchWall[stretchTasks++] = wall;
      stretchWallSum += wall;
      if (stretchTasks == MAX_STRETCH_TASKS || end - stretchOpenedAt >= STRETCH_NANOS) {
        closeStretch();
      }
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
