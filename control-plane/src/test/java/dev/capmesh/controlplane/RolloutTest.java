package dev.capmesh.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import dev.capmesh.controlplane.store.FileStore;
import dev.capmesh.controlplane.token.FleetTokens;
import dev.capmesh.proto.PlanDigest;
import dev.capmesh.proto.v1.PlanUpdate;
import dev.capmesh.proto.v1.RolloutEvent;
import dev.capmesh.proto.v1.RunnerPlan;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RolloutTest {
  static final String TOKEN = "web-token-1";
  static final Duration WAIT = Operator.WAIT;

  @TempDir Path data;
  ControlPlaneServer server;
  Operator op;
  final List<TestAgent> agents = new ArrayList<>();

  @BeforeEach
  void start() {
    server = startServer(data);
    op = new Operator(server.port(), null);
  }

  static ControlPlaneServer startServer(Path data) {
    return ControlPlaneServer.builder(FileStore.open(data))
        .tokens(FleetTokens.of(Map.of("web", TOKEN, "api", "api-token")))
        .heartbeatTimeout(Duration.ofSeconds(3))
        .tick(Duration.ofMillis(50))
        .start();
  }

  @AfterEach
  void stop() {
    agents.forEach(TestAgent::close);
    op.close();
    if (server != null) {
      server.close();
    }
  }

  TestAgent agent(String id, RunnerPlan current) {
    TestAgent a = TestAgent.connect(server.port(), "web", id, TOKEN, current, 1);
    agents.add(a);
    return a;
  }

  /** Pushes {@code v1} to an empty fleet, connects n agents, waits until all serve it. */
  RunnerPlan fleetOn(RunnerPlan v1, int n) {
    assertThat(op.push("web", v1, 10, 10, 0).await(WAIT).last().getState()).isEqualTo("completed");
    for (int i = 1; i <= n; i++) {
      agent("r" + i, null);
    }
    Await.until(() -> agents.stream().allMatch(a -> a.version().equals(v1.getVersion())), WAIT,
        "every agent on v1");
    Await.until(() -> op.status("web").getLastGoodVersion().equals(v1.getVersion()), WAIT,
        "v1 known good");
    return v1;
  }

  @Test
  void pushToEmptyFleetCompletesAndConnectingRunnersGetItWhole() {
    RunnerPlan v1 = Plans.plan("one");
    Operator.Events e = op.push("web", v1, 10, 10, 0).await(WAIT);
    assertThat(e.error).isNull();
    assertThat(e.last().getState()).isEqualTo("completed");
    assertThat(e.last().getMessage()).contains("no runner is connected");
    TestAgent a = agent("r1", null);
    Await.until(() -> a.version().equals(v1.getVersion()), WAIT, "r1 on v1");
    assertThat(a.received.get(0).hasPlan()).isTrue();
    assertThat(op.history("web").getEntries(0).getOutcome()).isEqualTo("completed");
  }

  @Test
  void rolloutCompletesAcrossWavesAndSendsDeltas() {
    RunnerPlan v1 = fleetOn(Plans.plan("one"), 5);
    RunnerPlan v2 = Plans.plan("two");
    Operator.Events e = op.push("web", v2, 20, 2, 0).await(WAIT);
    assertThat(e.error).isNull();
    RolloutEvent last = e.last();
    assertThat(last.getState()).isEqualTo("completed");
    assertThat(last.getWave()).isEqualTo(3); // canary of 1, then 2 + 2
    assertThat(last.getRunnersList()).allSatisfy(r -> assertThat(r.getStatus()).isEqualTo("acked"));
    assertThat(e.events.stream().map(RolloutEvent::getWave).distinct()).containsSubsequence(1, 2, 3);
    for (TestAgent a : agents) {
      assertThat(a.version()).isEqualTo(v2.getVersion());
      PlanUpdate u = a.received.get(a.received.size() - 1);
      assertThat(u.hasDelta()).as("update to v2 is a delta").isTrue();
      assertThat(u.getDelta().getBaseVersion()).isEqualTo(v1.getVersion());
      assertThat(u.getDelta().getUpsertedList()).extracting(s -> s.getName()).containsExactly("main");
    }
    Await.until(() -> op.status("web").getLastGoodVersion().equals(v2.getVersion()), WAIT,
        "v2 known good");
    assertThat(op.history("web").getEntriesList()).extracting(h -> h.getOutcome())
        .containsExactly("completed", "completed");
  }

  @Test
  void runnersOutsideTheCurrentWaveKeepThePreviousVersion() {
    RunnerPlan v1 = fleetOn(Plans.plan("one"), 3);
    agents.forEach(a -> a.answer = false); // hold every update unanswered
    RunnerPlan v2 = Plans.plan("two");
    Operator.Events e = op.push("web", v2, 1, 1, 0);
    Await.until(() -> agents.stream().filter(a -> !a.received.isEmpty()
        && a.received.get(a.received.size() - 1).getVersion().equals(v2.getVersion())).count() == 1,
        WAIT, "the canary to get v2");
    TestAgent canary = agents.stream().filter(a -> a.received.get(a.received.size() - 1)
        .getVersion().equals(v2.getVersion())).findFirst().orElseThrow();
    assertThat(op.status("web").getRollout().getState()).isEqualTo("wave");
    for (TestAgent a : agents) {
      if (a != canary) {
        assertThat(a.received).extracting(PlanUpdate::getVersion).doesNotContain(v2.getVersion());
      }
    }
    agents.forEach(a -> a.answer = true);
    PlanUpdate u = canary.received.get(canary.received.size() - 1);
    canary.handle(u);
    assertThat(e.await(WAIT).last().getState()).isEqualTo("completed");
    assertThat(v1.getVersion()).isNotEqualTo(v2.getVersion());
  }

  @Test
  void tooManyNacksRollEveryRunnerBackToTheLastGoodVersion() {
    RunnerPlan v1 = fleetOn(Plans.plan("one"), 4);
    RunnerPlan v2 = Plans.plan("two");
    // r1 (first by id, so in the canary) and r3 refuse v2; one NACK is tolerated.
    agents.get(0).refuse.add(v2.getVersion());
    agents.get(2).refuse.add(v2.getVersion());
    Operator.Events e = op.push("web", v2, 25, 1, 1).await(WAIT);
    assertThat(e.error).isNull();
    RolloutEvent last = e.last();
    assertThat(last.getState()).isEqualTo("rolled-back");
    assertThat(last.getRollbackVersion()).isEqualTo(v1.getVersion());
    assertThat(last.getNacks()).isEqualTo(2);
    assertThat(e.events).anySatisfy(ev -> assertThat(ev.getState()).isEqualTo("rolling-back"));
    assertThat(e.events).anySatisfy(ev -> assertThat(ev.getMessage())
        .contains("more than --max-nacks 1"));
    assertThat(last.getRunnersList()).filteredOn(r -> r.getStatus().equals("nacked"))
        .extracting(r -> r.getError()).containsOnly("socket http: port 8080 is in use");
    Await.until(() -> agents.stream().allMatch(a -> a.version().equals(v1.getVersion())), WAIT,
        "every agent back on v1");
    var status = op.status("web");
    assertThat(status.getDesiredVersion()).isEqualTo(v1.getVersion());
    assertThat(status.getLastGoodVersion()).isEqualTo(v1.getVersion());
    assertThat(status.hasRollout()).isFalse();
    assertThat(op.runner("web", "r1").getNackedVersion()).isEqualTo(v2.getVersion());
    assertThat(op.history("web").getEntriesList()).extracting(h -> h.getOutcome())
        .containsExactly("completed", "rolled-back");
  }

  @Test
  void unhealthyAfterApplyingCountsAsAFailure() {
    RunnerPlan v1 = fleetOn(Plans.plan("one"), 2);
    RunnerPlan v2 = Plans.plan("two");
    TestAgent canary = agents.get(0);
    agents.get(1).answer = false; // wave 2 holds, so the rollout is still watching
    Operator.Events e = op.push("web", v2, 1, 1, 0);
    Await.until(() -> agents.get(1).received.stream()
        .anyMatch(u -> u.getVersion().equals(v2.getVersion())), WAIT, "wave 2 gets v2");
    assertThat(canary.version()).isEqualTo(v2.getVersion());
    canary.healthy = false;
    RolloutEvent last = e.await(WAIT).last();
    assertThat(last.getState()).isEqualTo("rolled-back");
    assertThat(last.getRunnersList()).anySatisfy(r -> assertThat(r.getError())
        .contains("unhealthy after applying").contains("health check failed"));
    Await.until(() -> canary.version().equals(v1.getVersion()), WAIT, "canary back on v1");
  }

  @Test
  void aRestartMidRolloutResumes() {
    RunnerPlan v1 = fleetOn(Plans.plan("one"), 3);
    RunnerPlan v2 = Plans.plan("two");
    TestAgent r1 = agents.get(0);
    r1.answer = false; // the canary holds the rollout in wave 1
    Operator.Events e = op.push("web", v2, 1, 1, 0);
    Await.until(() -> r1.received.stream().anyMatch(u -> u.getVersion().equals(v2.getVersion())),
        WAIT, "canary gets v2");
    server.halt();
    e.await(WAIT);
    assertThat(e.error).isNotNull();
    agents.forEach(TestAgent::close);
    List<RunnerPlan> serving = agents.stream().map(a -> a.serving).toList();
    agents.clear();

    server = startServer(data);
    op.close();
    op = new Operator(server.port(), null);
    var status = op.status("web");
    assertThat(status.getRollout().getState()).isEqualTo("wave");
    assertThat(status.getRollout().getWave()).isEqualTo(1);
    for (int i = 0; i < serving.size(); i++) {
      agent("r" + (i + 1), serving.get(i));
    }
    Await.until(() -> agents.stream().allMatch(a -> a.version().equals(v2.getVersion())), WAIT,
        "every agent on v2 after the restart");
    Await.until(() -> !op.status("web").hasRollout(), WAIT, "the rollout to finish");
    assertThat(op.history("web").getEntriesList()).extracting(h -> h.getOutcome())
        .containsExactly("completed", "completed");
    assertThat(PlanDigest.shortVersion(v1.getVersion())).hasSize(12);
  }

  @Test
  void aRunnerConnectingMidRolloutGetsThePreviousVersionThenJoinsALaterWave() {
    RunnerPlan v1 = fleetOn(Plans.plan("one"), 2);
    RunnerPlan v2 = Plans.plan("two");
    TestAgent r1 = agents.get(0);
    r1.answer = false;
    Operator.Events e = op.push("web", v2, 1, 1, 0);
    Await.until(() -> r1.received.stream().anyMatch(u -> u.getVersion().equals(v2.getVersion())),
        WAIT, "canary gets v2");
    TestAgent late = agent("r9", null);
    Await.until(() -> late.version().equals(v1.getVersion()), WAIT, "the late runner on v1");
    r1.answer = true;
    r1.handle(r1.received.get(r1.received.size() - 1));
    RolloutEvent last = e.await(WAIT).last();
    assertThat(last.getState()).isEqualTo("completed");
    assertThat(last.getRunnersList()).extracting(r -> r.getRunnerId() + "@" + r.getWave())
        .containsExactlyInAnyOrder("r1@1", "r2@2", "r9@3");
    assertThat(late.version()).isEqualTo(v2.getVersion());
  }

  @Test
  void aSecondPushDuringARolloutIsRefused() {
    fleetOn(Plans.plan("one"), 1);
    agents.get(0).answer = false;
    Operator.Events first = op.push("web", Plans.plan("two"), 1, 1, 0);
    first.awaitState("wave", 1, WAIT);
    Operator.Events second = op.push("web", Plans.plan("three"), 1, 1, 0).await(WAIT);
    assertThat(io.grpc.Status.fromThrowable(second.error).getCode())
        .isEqualTo(io.grpc.Status.Code.FAILED_PRECONDITION);
    assertThat(second.error).hasMessageContaining("is in progress");
    // An operator's rollback stops the rollout instead.
    Operator.Events back = op.rollback("web", "").await(WAIT);
    assertThat(back.error).isNull();
    assertThat(back.last().getState()).isEqualTo("rolled-back");
    assertThat(first.await(WAIT).error).hasMessageContaining("superseded");
  }

  @Test
  void operatorRollbackReturnsToAnEarlierVersion() {
    RunnerPlan v1 = fleetOn(Plans.plan("one"), 2);
    RunnerPlan v2 = Plans.plan("two");
    assertThat(op.push("web", v2, 50, 1, 0).await(WAIT).last().getState()).isEqualTo("completed");
    Operator.Events back = op.rollback("web", "").await(WAIT);
    assertThat(back.error).isNull();
    assertThat(back.last().getRollbackVersion()).isEqualTo(v1.getVersion());
    Await.until(() -> agents.stream().allMatch(a -> a.version().equals(v1.getVersion())), WAIT,
        "every agent back on v1");
    assertThat(op.status("web").getDesiredVersion()).isEqualTo(v1.getVersion());
    // --to takes a unique prefix from history.
    Operator.Events forward = op.rollback("web", v2.getVersion().substring(0, 12)).await(WAIT);
    assertThat(forward.last().getState()).isEqualTo("rolled-back");
    Await.until(() -> agents.stream().allMatch(a -> a.version().equals(v2.getVersion())), WAIT,
        "every agent on v2 again");
    Operator.Events unknown = op.rollback("web", "ffff").await(WAIT);
    assertThat(io.grpc.Status.fromThrowable(unknown.error).getCode())
        .isEqualTo(io.grpc.Status.Code.NOT_FOUND);
    assertThat(op.history("web").getEntriesList()).extracting(h -> h.getOutcome())
        .containsExactly("completed", "completed", "rollback", "rollback");
  }
}
