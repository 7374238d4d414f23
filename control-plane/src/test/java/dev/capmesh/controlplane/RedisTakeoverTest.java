package dev.capmesh.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import dev.capmesh.controlplane.store.RedisStore;
import dev.capmesh.controlplane.token.FleetTokens;
import dev.capmesh.proto.v1.RolloutEvent;
import dev.capmesh.proto.v1.RunnerPlan;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two control planes sharing the real redis-server on 127.0.0.1:6379 (or REDIS_URL): the
 * leader dies mid-rollout and the other instance takes over and finishes it.
 */
class RedisTakeoverTest {
  static final Duration WAIT = Operator.WAIT;
  final String prefix = "capmesh-test:" + UUID.randomUUID() + ":";
  final List<TestAgent> agents = new ArrayList<>();
  final List<AutoCloseable> closers = new ArrayList<>();

  ControlPlaneServer start(String instance) {
    String url = System.getenv("REDIS_URL");
    ControlPlaneServer s = ControlPlaneServer.builder(RedisStore.open(
            url == null || url.isEmpty() ? "redis://127.0.0.1:6379/0" : url, prefix))
        .tokens(FleetTokens.of(Map.of("web", "web-token")))
        .heartbeatTimeout(Duration.ofSeconds(3))
        .tick(Duration.ofMillis(50))
        .lease(Duration.ofMillis(600))
        .instance(instance)
        .start();
    return s;
  }

  TestAgent agent(ControlPlaneServer s, String id, RunnerPlan current) {
    TestAgent a = TestAgent.connect(s.port(), "web", id, "web-token", current, 1);
    agents.add(a);
    return a;
  }

  @AfterEach
  void stop() throws Exception {
    agents.forEach(TestAgent::close);
    for (AutoCloseable c : closers) {
      c.close();
    }
    dev.capmesh.controlplane.store.RedisStoreTest.deleteKeys(prefix);
  }

  @Test
  void theOtherInstanceFinishesARolloutWhenTheLeaderDies() throws Exception {
    ControlPlaneServer a = start("A");
    Await.until(a::leader, WAIT, "A to lead");
    ControlPlaneServer b = start("B");
    closers.add(b);
    Operator viaB = new Operator(b.port(), null);
    closers.add(viaB);
    assertThat(b.leader()).isFalse();

    RunnerPlan v1 = Plans.plan("one");
    assertThat(viaB.push("web", v1, 10, 10, 0).await(WAIT).last().getState()).isEqualTo("completed");
    TestAgent r1 = agent(a, "r1", null);
    agent(a, "r2", null);
    agent(b, "r3", null);
    Await.until(() -> agents.stream().allMatch(x -> x.version().equals(v1.getVersion())), WAIT,
        "every agent on v1 (through either instance)");

    RunnerPlan v2 = Plans.plan("two");
    r1.answer = false; // the canary (r1, first by id) holds the rollout in wave 1
    Operator.Events e = viaB.push("web", v2, 1, 1, 0);
    Await.until(() -> r1.received.stream().anyMatch(u -> u.getVersion().equals(v2.getVersion())),
        WAIT, "the canary to get v2 from A");
    e.awaitState("wave", 1, WAIT);

    a.halt(); // the leader dies without resigning
    r1.awaitClosed(WAIT);
    List<TestAgent> onA = List.copyOf(agents.subList(0, 2));
    for (TestAgent x : onA) {
      x.close();
      agents.remove(x);
      agent(b, x.id, x.serving); // the agents reconnect to the surviving instance
    }
    Await.until(b::leader, WAIT, "B to take over");
    RolloutEvent last = e.await(WAIT).last();
    assertThat(e.error).isNull();
    assertThat(last.getState()).isEqualTo("completed");
    assertThat(last.getWave()).isEqualTo(3);
    assertThat(agents).allSatisfy(x -> assertThat(x.version()).isEqualTo(v2.getVersion()));
    assertThat(viaB.history("web").getEntriesList()).extracting(h -> h.getOutcome())
        .containsExactly("completed", "completed");
  }
}
