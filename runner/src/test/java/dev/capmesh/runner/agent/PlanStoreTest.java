package dev.capmesh.runner.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.capmesh.proto.v1.RunnerPlan;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlanStoreTest {
  @TempDir Path dir;

  @Test
  void savedPlanLoadsBack() throws IOException {
    RunnerPlan p = Plans.plan("a", "b");
    try (PlanStore store = PlanStore.open(dir, Clock.systemUTC())) {
      assertThat(store.load().plan()).isEmpty();
      store.save(p);
      store.save(p);
    }
    try (PlanStore store = PlanStore.open(dir, Clock.systemUTC())) {
      assertThat(store.load().plan()).contains(p);
      assertThat(store.load().problem()).isEmpty();
    }
    try (var files = Files.list(dir)) {
      assertThat(files.map(f -> f.getFileName().toString())).doesNotContain("plan.bin.tmp");
    }
    // The plan holds secrets: only its owner may read it.
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(PlanStore.PLAN_FILE))))
        .isEqualTo("rw-------");
  }

  @Test
  void aLeftoverTemporaryFileFromACrashIsReplaced() throws IOException {
    Files.writeString(dir.resolve(PlanStore.PLAN_FILE + ".tmp"), "half a plan");
    RunnerPlan p = Plans.plan("a");
    try (PlanStore store = PlanStore.open(dir, Clock.systemUTC())) {
      assertThat(store.load().plan()).isEmpty();
      store.save(p);
      assertThat(store.load().plan()).contains(p);
    }
  }

  @Test
  void aSecondAgentCannotOpenTheSameDirectory() throws IOException {
    try (PlanStore first = PlanStore.open(dir, Clock.systemUTC())) {
      assertThat(first.directory()).isEqualTo(dir.toAbsolutePath().normalize());
      assertThatThrownBy(() -> PlanStore.open(dir, Clock.systemUTC()))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("is in use by another runner agent");
    }
    PlanStore.open(dir, Clock.systemUTC()).close();
  }

  @Test
  void runnerIdIsGeneratedOnceAndStable() throws IOException {
    String id;
    try (PlanStore store = PlanStore.open(dir, Clock.systemUTC())) {
      id = store.runnerId("web-7.example.org", new Random(1));
      assertThat(id).startsWith("web-7.example.org-").hasSize("web-7.example.org-".length() + 8);
      assertThat(store.runnerId("other", new Random(2))).isEqualTo(id);
    }
    try (PlanStore store = PlanStore.open(dir, Clock.systemUTC())) {
      assertThat(store.runnerId("other", new Random(3))).isEqualTo(id);
    }
  }

  @Test
  void strangeHostNamesStillMakeAValidId() throws IOException {
    try (PlanStore store = PlanStore.open(dir, Clock.systemUTC())) {
      String id = store.runnerId("../ evil host\n", new Random(1));
      assertThat(PlanStore.checkRunnerId(id)).isEqualTo(id);
      assertThat(id).doesNotContain("/").doesNotContain(" ");
    }
  }

  @Test
  void damagedRunnerIdFileIsRefusedClearly() throws IOException {
    Files.writeString(dir.resolve(PlanStore.RUNNER_ID_FILE), "bad id with spaces");
    try (PlanStore store = PlanStore.open(dir, Clock.systemUTC())) {
      assertThatThrownBy(() -> store.runnerId("h", new Random(1)))
          .hasMessageContaining(PlanStore.RUNNER_ID_FILE).hasMessageContaining("delete it");
    }
  }

  @Test
  void badRunnerIdsAreRefused() {
    assertThatThrownBy(() -> PlanStore.checkRunnerId("-x")).hasMessageContaining("runner id: \"-x\"");
    assertThat(PlanStore.checkRunnerId("web-1@host:7")).isEqualTo("web-1@host:7");
    assertThatThrownBy(() -> PlanStore.checkRunnerId("a/b")).hasMessageContaining("expected");
    assertThatThrownBy(() -> PlanStore.checkRunnerId("")).hasMessageContaining("expected");
    assertThatThrownBy(() -> PlanStore.checkRunnerId("a".repeat(129))).hasMessageContaining("expected");
  }
}
