package dev.capmesh.runner.js;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The compilers' low priority during a start, read back from the kernel ({@code /proc/self/task}):
 * lowered to nice 19 while the start lasts, raised back when the first plan serves or the bound
 * passes, and left alone where it could not be raised back.
 */
class CompilerPriorityTest {
  private static final Path TASKS = Path.of("/proc/self/task");

  @BeforeEach @AfterEach void fresh() {
    System.clearProperty("capmesh.startPriority");
    CompilerPriority.resetForTest();
  }

  @Test void theCompilersRunLowUntilThePlanServesThenGetTheirPriorityBack() throws Exception {
    Map<Integer, Integer> before = compilerNices();
    assertThat(before).as("HotSpot's C2 compiler threads").hasSizeGreaterThanOrEqualTo(Files.isDirectory(TASKS) ? 1 : 0);
    boolean lowered = CompilerPriority.lowerDuringStart(Duration.ofSeconds(60)).get(10, TimeUnit.SECONDS);
    assertThat(lowered).as("lowered (this process may raise a priority back: %s)", mayRaiseBack())
        .isEqualTo(isLinuxWithForeignCalls() && mayRaiseBack());
    if (!lowered) {
      assertThat(compilerNices()).isEqualTo(before);
      return;
    }
    assertThat(CompilerPriority.lowNow()).isTrue();
    assertThat(compilerNices().values()).allMatch(nice -> nice == CompilerPriority.LOW);
    // The rest of the process keeps its priority.
    assertThat(ownNice()).isEqualTo(before.values().iterator().next());

    // A new runtime's Truffle compiler thread, made while the start lasts, is lowered too.
    try (JsRuntime runtime = JsRuntime.create()) {
      var worker = JsWorker.builder(runtime, "hot", WorkerCode.modules(WorkerModule.esModule("main.js", """
          let n = 0;
          function hot(i) { return i * 2 + 1; }
          export default { async fetch() { for (let i = 0; i < 200000; i++) n += hot(i); return new Response(String(n)); } };
          """))).poolSize(1).build();
      try {
        assertThat(JsTesting.get(worker, "http://x/").status()).isEqualTo(200);
      } finally {
        worker.close();
      }
      assertThat(eventually(() -> compilerNices().keySet().stream().anyMatch(tid -> name(tid).startsWith("TruffleCompiler"))))
          .as("a Truffle compiler thread exists").isTrue();
      assertThat(eventually(() -> compilerNices().values().stream().allMatch(nice -> nice == CompilerPriority.LOW)))
          .as("every compiler thread is low: %s", compilerNices()).isTrue();

      runtime.planServes();
    }
    assertThat(CompilerPriority.lowNow()).isFalse();
    int normal = before.values().iterator().next();
    assertThat(compilerNices().values()).as("raised back").allMatch(nice -> nice == normal);
  }

  @Test void theBoundRaisesThemBackWhenNoPlanServes() throws Exception {
    Map<Integer, Integer> before = compilerNices();
    boolean lowered = CompilerPriority.lowerDuringStart(Duration.ofMillis(300)).get(10, TimeUnit.SECONDS);
    assertThat(lowered).isEqualTo(isLinuxWithForeignCalls() && mayRaiseBack());
    assertThat(eventually(() -> !CompilerPriority.lowNow())).isTrue();
    assertThat(compilerNices()).isEqualTo(before);
  }

  @Test void turnedOffItLowersNothing() throws Exception {
    System.setProperty("capmesh.startPriority", "normal");
    Map<Integer, Integer> before = compilerNices();
    assertThat(CompilerPriority.lowerDuringStart(Duration.ofSeconds(60)).get(10, TimeUnit.SECONDS)).isFalse();
    assertThat(CompilerPriority.lowNow()).isFalse();
    assertThat(compilerNices()).isEqualTo(before);
  }

  @Test void onceAPlanServesAStartCannotLowerThemAnyMore() throws Exception {
    Map<Integer, Integer> before = compilerNices();
    CompilerPriority.restore();
    assertThat(CompilerPriority.lowerDuringStart(Duration.ofSeconds(60)).get(10, TimeUnit.SECONDS)).isFalse();
    assertThat(compilerNices()).isEqualTo(before);
    // And a second start in the same process does nothing either.
    assertThat(CompilerPriority.lowerDuringStart(Duration.ofSeconds(60)).get(10, TimeUnit.SECONDS)).isFalse();
  }

  private static boolean isLinuxWithForeignCalls() {
    return Files.isDirectory(TASKS) && Runtime.version().feature() >= 22;
  }

  /**
   * Whether the kernel lets this process raise a thread's priority back to 0 after lowering it:
   * root, {@code CAP_SYS_NICE}, or a soft {@code RLIMIT_NICE} of 20 or more.
   */
  private static boolean mayRaiseBack() throws IOException {
    if (!Files.isDirectory(TASKS)) {
      return false;
    }
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("CapEff:")) {
        long caps = Long.parseLong(line.substring(7).trim(), 16);
        if ((caps & (1L << 23)) != 0) {
          return true;
        }
      }
    }
    for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
      if (line.startsWith("Max nice priority")) {
        String soft = line.substring("Max nice priority".length()).trim().split("\\s+")[0];
        return soft.equals("unlimited") || Integer.parseInt(soft) >= 20;
      }
    }
    return false;
  }

  /** Thread id to niceness, for HotSpot's C2 and Truffle's compiler threads. */
  private static Map<Integer, Integer> compilerNices() {
    var nices = new HashMap<Integer, Integer>();
    if (!Files.isDirectory(TASKS)) {
      return nices;
    }
    try (DirectoryStream<Path> tasks = Files.newDirectoryStream(TASKS)) {
      for (Path task : tasks) {
        int tid = Integer.parseInt(task.getFileName().toString());
        String name = name(tid);
        if (name.startsWith("C2 CompilerThre") || name.startsWith("TruffleCompiler")) {
          Integer nice = nice(tid);
          if (nice != null) {
            nices.put(tid, nice);
          }
        }
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return nices;
  }

  private static String name(int tid) {
    try {
      return Files.readString(TASKS.resolve(tid + "/comm"), StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      return "";
    }
  }

  /** The niceness in {@code /proc/self/task/TID/stat} (field 19), or null if the thread ended. */
  private static Integer nice(int tid) {
    try {
      String stat = Files.readString(TASKS.resolve(tid + "/stat"), StandardCharsets.UTF_8);
      List<String> fields = List.of(stat.substring(stat.lastIndexOf(')') + 2).split(" "));
      return Integer.parseInt(fields.get(16));
    } catch (IOException e) {
      return null;
    }
  }

  /** The calling thread's niceness, from {@code /proc/thread-self}. */
  private static int ownNice() throws IOException {
    String stat = Files.readString(Path.of("/proc/thread-self/stat"), StandardCharsets.UTF_8);
    List<String> fields = List.of(stat.substring(stat.lastIndexOf(')') + 2).split(" "));
    return Integer.parseInt(fields.get(16));
  }

  private static boolean eventually(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      if (condition.getAsBoolean()) {
        return true;
      }
      Thread.sleep(20);
    }
    return condition.getAsBoolean();
  }
}
