package dev.capmesh.controlplane.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.capmesh.controlplane.store.FleetRecord;
import dev.capmesh.controlplane.store.RolloutRecord;
import dev.capmesh.controlplane.store.RolloutState;
import dev.capmesh.controlplane.store.RunnerRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RolloutEngineTest {
  static final String V1 = "1".repeat(64);
  static final String V2 = "2".repeat(64);
  static final long NOW = 1_000_000;
  static final long TIMEOUT = 15_000;

  static RunnerRecord runner(String id, String version) {
    return new RunnerRecord(id, "web", version, NOW, true, "i", "", "", 0, true, "", 1, "");
  }

  static FleetRecord pushed(int canary, int waveSize, int maxNacks) {
    var r = new RolloutRecord("x", "push", V1, V2, canary, waveSize, maxNacks, RolloutState.WAVES,
        List.of(), Map.of(), "", "", NOW - 10);
    return FleetRecord.empty("web").withVersions(V1, V1).withRollout(r);
  }

  static List<RunnerRecord> fleet(int n, String version) {
    List<RunnerRecord> l = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      l.add(runner("r" + (char) ('a' + i), version));
    }
    return l;
  }

  @Test
  void theCanaryIsAPercentRoundedUpAndAtLeastOne() {
    assertThat(RolloutEngine.advance(pushed(10, 5, 0), fleet(25, V1), NOW, TIMEOUT).rollout().waves())
        .containsExactly(List.of("ra", "rb", "rc"));
    assertThat(RolloutEngine.advance(pushed(0, 5, 0), fleet(3, V1), NOW, TIMEOUT).rollout().waves())
        .containsExactly(List.of("ra"));
  }

  @Test
  void runnersOutsideStartedWavesKeepThePreviousVersion() {
    FleetRecord f = RolloutEngine.advance(pushed(10, 5, 0), fleet(3, V1), NOW, TIMEOUT);
    assertThat(f.versionFor("ra")).isEqualTo(V2);
    assertThat(f.versionFor("rb")).isEqualTo(V1);
    assertThat(f.versionFor("new")).isEqualTo(V1);
  }

  @Test
  void wavesFollowAcksAndTheRolloutCompletes() {
    List<RunnerRecord> rs = fleet(5, V1);
    FleetRecord f = RolloutEngine.advance(pushed(20, 2, 0), rs, NOW, TIMEOUT);
    for (int wave = 1; wave <= 3; wave++) {
      assertThat(f.rollout().waves()).hasSize(wave);
      for (String id : f.rollout().waves().get(wave - 1)) {
        rs.replaceAll(r -> r.id().equals(id) ? r.withVersion(V2) : r);
      }
      f = RolloutEngine.advance(f, rs, NOW, TIMEOUT);
    }
    assertThat(f.rollout().state()).isEqualTo(RolloutState.COMPLETED);
    assertThat(f.desiredVersion()).isEqualTo(V2);
    assertThat(f.lastGoodVersion()).isEqualTo(V2);
    assertThat(f.history()).isEmpty(); // the push added it; the engine only sets outcomes
  }

  @Test
  void nacksFromBeforeTheRolloutDoNotCount() {
    List<RunnerRecord> rs = new ArrayList<>(fleet(2, V1));
    rs.set(0, rs.get(0).withNack(V2, "old news", NOW - 1000));
    FleetRecord f = RolloutEngine.advance(pushed(50, 1, 0), rs, NOW, TIMEOUT);
    assertThat(f.rollout().state()).isEqualTo(RolloutState.WAVES);
    rs.set(0, rs.get(0).withNack(V2, "port in use", NOW));
    f = RolloutEngine.advance(f, rs, NOW, TIMEOUT);
    // Every runner still serves V1 (the NACK kept it there): rolled back at once.
    assertThat(f.rollout().state()).isEqualTo(RolloutState.ROLLED_BACK);
    assertThat(f.rollout().rollbackVersion()).isEqualTo(V1);
    assertThat(f.rollout().failures()).containsExactly(Map.entry("ra", "port in use"));
    assertThat(f.versionFor("rb")).isEqualTo(V1);
  }

  @Test
  void offlineRunnersDoNotHoldAWave() {
    List<RunnerRecord> rs = new ArrayList<>(fleet(2, V1));
    FleetRecord f = RolloutEngine.advance(pushed(50, 1, 0), rs, NOW, TIMEOUT);
    assertThat(f.rollout().waves()).containsExactly(List.of("ra"));
    rs.set(0, rs.get(0).withConnected(false));
    f = RolloutEngine.advance(f, rs, NOW, TIMEOUT);
    assertThat(f.rollout().waves()).containsExactly(List.of("ra"), List.of("rb"));
  }

  @Test
  void withoutAnyGoodVersionAFailedFirstPushKeepsWhatRunnersHave() {
    var r = new RolloutRecord("x", "push", "", V2, 100, 1, 0, RolloutState.WAVES, List.of(),
        Map.of(), "", "", NOW - 10);
    List<RunnerRecord> rs = List.of(runner("ra", "").withNack(V2, "no", NOW));
    FleetRecord f = RolloutEngine.advance(FleetRecord.empty("web").withRollout(r), rs, NOW, TIMEOUT);
    assertThat(f.rollout().state()).isEqualTo(RolloutState.ROLLED_BACK);
    assertThat(f.rollout().message()).contains("no earlier version to roll back to");
    assertThat(f.versionFor("ra")).isEmpty();
  }
}
