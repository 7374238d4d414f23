package dev.capmesh.runner;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.util.concurrent.EventExecutor;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The liveness probe names a stuck event loop, and recovers with it. */
class RunnerProbeTest {
  @TempDir Path dir;

  @Test void aStuckEventLoopIsNamedAndAFreedOneIsFineAgain() throws Exception {
    try (Runner runner = Runner.create(RunnerOptions.defaults(dir))) {
      assertThat(runner.unresponsive(Duration.ofSeconds(30)).toCompletableFuture().get(60, TimeUnit.SECONDS))
          .isNull();
      var release = new CountDownLatch(1);
      var blocked = new CountDownLatch(1);
      EventExecutor first = runner.transport().group().iterator().next();
      first.execute(() -> {
        blocked.countDown();
        try {
          release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      assertThat(blocked.await(60, TimeUnit.SECONDS)).isTrue();
      try {
        String stuck = runner.unresponsive(Duration.ofMillis(300)).toCompletableFuture().get(60, TimeUnit.SECONDS);
        assertThat(stuck).isEqualTo("I/O event loop 1 did not respond within 300 ms");
      } finally {
        release.countDown();
      }
      assertThat(runner.unresponsive(Duration.ofSeconds(30)).toCompletableFuture().get(60, TimeUnit.SECONDS))
          .isNull();
    }
  }
}
