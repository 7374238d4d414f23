package dev.capmesh.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How many network event loops a runner starts, and that it serves on the number asked for. */
class RunnerIoThreadsTest {
  @TempDir Path dir;

  private static long loops(Runner runner) {
    return StreamSupport.stream(runner.transport().group().spliterator(), false).count();
  }

  @Test void byDefaultHalfTheCoresAndAtLeastOne() {
    int cores = Runtime.getRuntime().availableProcessors();
    assertThat(RunnerOptions.defaultIoThreads()).isEqualTo(cores < 2 ? 1 : cores / 2);
    try (Runner runner = Runner.create(RunnerOptions.defaults(dir))) {
      assertThat(loops(runner)).isEqualTo(RunnerOptions.defaultIoThreads());
    }
  }

  @Test void theNumberAskedForIsStartedAndServes() throws Exception {
    for (int threads : new int[] {1, 3}) {
      var options = RunnerOptions.defaults(dir).withIoThreads(threads).withMaxBodyBytes(1 << 20)
          .withSocketAddresses(java.util.Map.of("http", "127.0.0.1:0"));
      assertThat(options.ioThreads()).as("kept across with* copies").isEqualTo(threads);
      var config = TestRunners.compile(dir, """
          using Workerd = import "/workerd/workerd.capnp";
          const config :Workerd.Config = (
            services = [ (name = "main", worker = (
              modules = [ (name = "w.js", esModule = "export default { fetch() { return new Response('io'); } };") ],
              compatibilityDate = "2024-09-01")) ],
            sockets = [ (name = "http", address = "127.0.0.1:0", http = (), service = "main") ],
          );
          """);
      try (Runner runner = Runner.start(TestRunners.plan(config), options)) {
        assertThat(loops(runner)).isEqualTo(threads);
        for (int i = 0; i < 8; i++) {
          assertThat(TestRunners.get(runner, "http", "/")).isEqualTo("200 io");
        }
      }
    }
  }

  @Test void aNegativeCountIsRefused() {
    assertThatThrownBy(() -> RunnerOptions.defaults(dir).withIoThreads(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("ioThreads: -1 (expected: >= 0)");
  }
}
