package dev.capmesh.runner.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BackoffTest {
  @Test
  void doublesWithJitterUpToTheCapAndResets() {
    var b = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30), new Random(7));
    long[] upper = {1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000};
    for (long u : upper) {
      long ms = b.next().toMillis();
      assertThat(ms).isBetween(u / 2, u);
    }
    b.reset();
    assertThat(b.next().toMillis()).isBetween(500L, 1000L);
  }
}
