package dev.capmesh.runner.js;

import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.reflect.Array;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the JIT's slow compilers on spare CPU only while the process starts. On a stock JDK two
 * threads compete with the start for the cores without serving it: HotSpot's optimizing compiler
 * (C2), which compiles for the long run, and Truffle's compiler thread, which initializes the
 * Graal compiler as soon as the engine exists, although the first seconds run JavaScript in the
 * interpreter ({@link CompileGate}). On 2 cores they took about a third of the CPU a runner used
 * to its first answer. Until the first plan serves ({@link #restore}) or the bound passes, this
 * gives those threads the lowest scheduling priority (nice 19): they run whenever a core is
 * spare, and HotSpot's quick compiler, the main thread and the workers' first contexts come
 * first. Then they go back to the priority they had.
 *
 * <p>Linux only, through {@code setpriority(2)} on each thread, found by name in
 * {@code /proc/self/task}; it needs Java 22 or later (the foreign function API, looked up
 * reflectively because the runner builds for 21). Raising a priority back needs the right to
 * (root, {@code CAP_SYS_NICE} or an {@code RLIMIT_NICE} that allows it): without it, nothing is
 * lowered, since a compiler left at nice 19 would starve under load. Off with the system property
 * {@code capmesh.startPriority=normal}. Nothing here fails a start: where it cannot work, it does
 * nothing and says so at debug level.
 */
public final class CompilerPriority {
  /**
   * Looked up when the compilers are raised back, never before: a logger used beside the main
   * thread while it sets logging up makes SLF4J print a warning about replayed calls.
   */
  private static Logger log() {
    return LoggerFactory.getLogger(CompilerPriority.class);
  }

  /** The niceness the compilers get during the start: the lowest priority there is. */
  static final int LOW = 19;
  /** How long the compilers may stay low when no plan serves (agent mode waiting, a slow start). */
  public static final Duration DEFAULT_BOUND = Duration.ofSeconds(30);
  /** The threads lowered: HotSpot's C2 compiler threads and Truffle's compiler threads (names cut to 15 bytes). */
  private static final String[] NAMES = {"C2 CompilerThre", "TruffleCompiler"};
  private static final Path TASKS = Path.of("/proc/self/task");
  private static final long POLL_MILLIS = 10;

  private static final Object LOCK = new Object();
  private static @Nullable CompilerPriority current;
  private static boolean starting;
  /** {@link #restore} came before the watcher began: it lowers nothing. */
  private static boolean restoreAsked;

  private final Native calls;
  private final long deadlineNanos;
  /** Thread id to the niceness it had before it was lowered. */
  private final Map<Integer, Integer> lowered = new HashMap<>();
  private final Set<Integer> seen = new HashSet<>();
  private boolean over;

  private CompilerPriority(Native calls, Duration bound) {
    this.calls = calls;
    this.deadlineNanos = System.nanoTime() + bound.toNanos();
  }

  /**
   * Lowers the compilers, on a thread of its own, and keeps lowering the ones that start, until
   * {@link #restore} or {@code bound}. Returns at once, with a future that completes once the
   * compiler threads running then are lowered, and says whether it did:
   * false where it cannot (not Linux, Java before 22, no right to raise a priority back, turned
   * off), when {@link #restore} came first, or when it already ran in this process.
   */
  public static CompletableFuture<Boolean> lowerDuringStart(Duration bound) {
    if ("normal".equals(System.getProperty("capmesh.startPriority"))) {
      return CompletableFuture.completedFuture(false);
    }
    var started = new CompletableFuture<Boolean>();
    synchronized (LOCK) {
      if (current != null || starting) {
        return CompletableFuture.completedFuture(false);
      }
      starting = true;
    }
    // Everything happens on the watcher's thread, which also tries the right to raise a priority
    // back on itself (a refusal leaves no thread but that one a step lower); the caller, the
    // main thread of a starting process, goes on at once.
    Thread.ofPlatform().daemon().name("capmesh-start-priority").start(() -> {
      CompilerPriority priority = null;
      try {
        priority = begin(bound);
        if (priority != null) {
          // The future completes once the compilers running now are low, not before.
          priority.scan();
        }
      } finally {
        started.complete(priority != null);
      }
      if (priority != null) {
        priority.watch();
      }
    });
    return started;
  }

  private static @Nullable CompilerPriority begin(Duration bound) {
    if (!Files.isDirectory(TASKS)) {
      return null;
    }
    Native calls = Native.load();
    if (calls == null) {
      return null;
    }
    if (!calls.canRaiseBack()) {
      return null;
    }
    var priority = new CompilerPriority(calls, bound);
    synchronized (LOCK) {
      current = priority;
      if (restoreAsked) {
        priority.over = true;
        return null;
      }
    }
    return priority;
  }

  /** The first plan serves: the compilers go back to their priority (once; later calls do nothing). */
  public static void restore() {
    CompilerPriority priority;
    synchronized (LOCK) {
      priority = current;
      restoreAsked = true;
    }
    if (priority != null) {
      priority.end();
    }
  }

  /** Whether compilers are held low now (tests). */
  static boolean lowNow() {
    synchronized (LOCK) {
      return current != null && !current.isOver();
    }
  }

  /** Forgets this process's run, so that a test can start another. */
  static void resetForTest() {
    restore();
    synchronized (LOCK) {
      current = null;
      starting = false;
      restoreAsked = false;
    }
  }

  private void watch() {
    try {
      while (!isOver()) {
        if (System.nanoTime() - deadlineNanos >= 0) {
          break;
        }
        scan();
        synchronized (this) {
          if (!over) {
            TimeUnit.MILLISECONDS.timedWait(this, POLL_MILLIS);
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      end();
    }
  }

  private synchronized boolean isOver() {
    return over;
  }

  /** Lowers every compiler thread not seen before. */
  private synchronized void scan() {
    if (over) {
      return;
    }
    try (DirectoryStream<Path> tasks = Files.newDirectoryStream(TASKS)) {
      for (Path task : tasks) {
        int tid = Integer.parseInt(task.getFileName().toString());
        if (!seen.add(tid) || !isCompiler(task)) {
          continue;
        }
        int before = calls.nice(tid);
        if (before < LOW && calls.setNice(tid, LOW)) {
          lowered.put(tid, before);
        }
      }
    } catch (IOException | RuntimeException e) {
      // Threads come and go; the next scan sees the ones that stay.
    }
  }

  private static boolean isCompiler(Path task) {
    String name;
    try {
      name = Files.readString(task.resolve("comm"), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return false; // the thread ended
    }
    for (String prefix : NAMES) {
      if (name.startsWith(prefix)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Raises every lowered thread back, and also compiler threads that started since and took
   * the low priority from the compiler thread that made them.
   */
  private synchronized void end() {
    if (over) {
      return;
    }
    over = true;
    notifyAll();
    int raised = 0;
    int normal = lowered.values().stream().mapToInt(Integer::intValue).min().orElse(calls.nice(0));
    try (DirectoryStream<Path> tasks = Files.newDirectoryStream(TASKS)) {
      for (Path task : tasks) {
        int tid = Integer.parseInt(task.getFileName().toString());
        Integer before = lowered.get(tid);
        if (before == null && (seen.contains(tid) || !isCompiler(task) || calls.nice(tid) != LOW)) {
          continue;
        }
        if (calls.setNice(tid, before == null ? normal : before)) {
          raised++;
        } else {
          log().warn("event=start-priority-restore-failed thread={}", tid);
        }
      }
    } catch (IOException | RuntimeException e) {
      log().warn("event=start-priority-restore-failed error={}", e.toString());
    }
    log().debug("event=start-priority-restored threads={}", raised);
  }

  /** {@code setpriority(2)} and {@code getpriority(2)}, per thread on Linux. */
  static final class Native {
    private static final int PRIO_PROCESS = 0;
    private final MethodHandle setpriority;
    private final MethodHandle getpriority;

    private Native(MethodHandle setpriority, MethodHandle getpriority) {
      this.setpriority = setpriority;
      this.getpriority = getpriority;
    }

    /** The calls, or null where the foreign function API or the C library does not have them. */
    static @Nullable Native load() {
      if (Runtime.version().feature() < 22) {
        return null;
      }
      try {
        Class<?> linkerClass = Class.forName("java.lang.foreign.Linker");
        Class<?> layoutClass = Class.forName("java.lang.foreign.MemoryLayout");
        Class<?> descriptorClass = Class.forName("java.lang.foreign.FunctionDescriptor");
        Class<?> optionClass = Class.forName("java.lang.foreign.Linker$Option");
        Object linker = linkerClass.getMethod("nativeLinker").invoke(null);
        Object lookup = linkerClass.getMethod("defaultLookup").invoke(linker);
        Object cInt = Class.forName("java.lang.foreign.ValueLayout").getField("JAVA_INT").get(null);
        Method descriptorOf = descriptorClass.getMethod("of", layoutClass, layoutClass.arrayType());
        Method find = Class.forName("java.lang.foreign.SymbolLookup").getMethod("find", String.class);
        Method downcall = linkerClass.getMethod("downcallHandle",
            Class.forName("java.lang.foreign.MemorySegment"), descriptorClass, optionClass.arrayType());
        MethodHandle[] handles = new MethodHandle[2];
        String[] names = {"setpriority", "getpriority"};
        for (int i = 0; i < 2; i++) {
          Object parameters = Array.newInstance(layoutClass, i == 0 ? 3 : 2);
          for (int p = 0; p < Array.getLength(parameters); p++) {
            Array.set(parameters, p, cInt);
          }
          Object descriptor = descriptorOf.invoke(null, cInt, parameters);
          Optional<?> symbol = (Optional<?>) find.invoke(lookup, names[i]);
          if (symbol.isEmpty()) {
            return null;
          }
          handles[i] = (MethodHandle) downcall.invoke(linker, symbol.get(), descriptor, Array.newInstance(optionClass, 0));
        }
        return new Native(handles[0], handles[1]);
      } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
        return null;
      }
    }

    /** The niceness of thread {@code tid} (0: the calling thread). */
    int nice(int tid) {
      try {
        return (int) getpriority.invokeExact(PRIO_PROCESS, tid);
      } catch (Throwable e) {
        throw new IllegalStateException("getpriority failed", e);
      }
    }

    /** Sets the niceness of thread {@code tid} (0: the calling thread); false if refused. */
    boolean setNice(int tid, int nice) {
      try {
        return (int) setpriority.invokeExact(PRIO_PROCESS, tid, nice) == 0;
      } catch (Throwable e) {
        throw new IllegalStateException("setpriority failed", e);
      }
    }

    /**
     * Whether this process may raise a thread's priority back after lowering it: tried on the
     * calling thread, one step down and back up.
     */
    boolean canRaiseBack() {
      int before = nice(0);
      if (before >= LOW || !setNice(0, before + 1)) {
        return false;
      }
      return setNice(0, before);
    }
  }
}
