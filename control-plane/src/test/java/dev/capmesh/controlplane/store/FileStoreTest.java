package dev.capmesh.controlplane.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.capmesh.proto.PlanDigest;
import dev.capmesh.proto.v1.RunnerPlan;
import dev.capmesh.proto.v1.Service;
import dev.capmesh.proto.v1.WorkerSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileStoreTest {
  @TempDir Path dir;

  static RunnerPlan plan(String name) {
    return PlanDigest.seal(RunnerPlan.newBuilder().setFormat(1)
        .addServices(Service.newBuilder().setName(name).setWorker(WorkerSpec.getDefaultInstance()))
        .build());
  }

  static RolloutRecord rollout(String target) {
    return new RolloutRecord("id1", "push", "", target, 10, 2, 0, RolloutState.WAVES,
        List.of(List.of("r1")), Map.of("r1", "bad"), "", "canary", 5L);
  }

  @Test
  void everythingSurvivesAReopen() throws Exception {
    RunnerPlan p = plan("a");
    try (FileStore s = FileStore.open(dir)) {
      s.putPlan("web", p);
      s.updateFleet("web", f -> f.withRollout(rollout(p.getVersion()))
          .withHistory(new HistoryRecord(p.getVersion(), 1, "c.capnp", "in-progress")));
      s.putRunner(new RunnerRecord("r1", "web", p.getVersion(), 7, true, "i", "", "", 0, true, "",
          1, "agent"));
    }
    try (FileStore s = FileStore.open(dir)) {
      assertThat(s.plan("web", p.getVersion())).contains(p);
      assertThat(s.plan("api", p.getVersion())).isEmpty(); // plans are per fleet
      assertThat(s.fleet("web").orElseThrow().rollout()).isEqualTo(rollout(p.getVersion()));
      assertThat(s.fleetNames()).containsExactly("web");
      assertThat(s.runners("web")).extracting(RunnerRecord::id).containsExactly("r1");
    }
    try (var files = Files.walk(dir)) {
      assertThat(files.map(Path::toString)).noneMatch(f -> f.endsWith(".tmp"));
    }
  }

  @Test
  void aDamagedFleetFileIsReportedByName() throws Exception {
    try (FileStore s = FileStore.open(dir)) {
      s.updateFleet("web", f -> f.withVersions("", ""));
    }
    Path f = dir.resolve("fleets/web.json");
    Files.writeString(f, Files.readString(f).substring(0, 20));
    assertThatThrownBy(() -> FileStore.open(dir))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("store file " + f + " is damaged and cannot be read");
  }

  @Test
  void aDamagedPlanFileIsReportedByName() throws Exception {
    RunnerPlan p = plan("a");
    try (FileStore s = FileStore.open(dir)) {
      s.putPlan("web", p);
    }
    Path f = dir.resolve("plans/web/" + p.getVersion() + ".plan");
    byte[] bytes = Files.readAllBytes(f);
    bytes[bytes.length - 1] ^= 1;
    Files.write(f, bytes);
    try (FileStore s = FileStore.open(dir)) {
      assertThatThrownBy(() -> s.plan("web", p.getVersion()))
          .isInstanceOf(StoreException.class)
          .hasMessageContaining("store file " + f + " is damaged");
    }
  }

  @Test
  void versionsThatAreNotHexNeverReachTheFileSystem() {
    try (FileStore s = FileStore.open(dir)) {
      assertThat(s.plan("web", "../../../etc/passwd")).isEmpty();
      assertThat(s.plan("../x", "a".repeat(64))).isEmpty();
      assertThatThrownBy(() -> s.updateFleet("../x", f -> f))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("fleet name");
    }
  }

  @Test
  void aSecondProcessIsKeptOut() {
    FileStore s = FileStore.open(dir);
    try {
      assertThatThrownBy(() -> FileStore.open(dir))
          .isInstanceOf(StoreException.class).hasMessageContaining("in use by another");
    } finally {
      s.close();
    }
  }
}
