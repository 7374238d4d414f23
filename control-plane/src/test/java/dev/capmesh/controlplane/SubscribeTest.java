package dev.capmesh.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.capmesh.controlplane.store.FileStore;
import dev.capmesh.controlplane.token.FleetTokens;
import dev.capmesh.proto.v1.AgentMessage;
import dev.capmesh.proto.v1.Nack;
import dev.capmesh.proto.v1.PlanUpdate;
import dev.capmesh.proto.v1.RolloutEvent;
import dev.capmesh.proto.v1.RunnerPlan;
import dev.capmesh.proto.v1.StatusRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SubscribeTest {
  static final Duration WAIT = Operator.WAIT;
  static final String ADMIN = "admin-secret-token";

  @TempDir Path data;
  ControlPlaneServer server;
  Operator op;
  final List<TestAgent> agents = new ArrayList<>();

  @BeforeEach
  void start() {
    server = ControlPlaneServer.builder(FileStore.open(data))
        .tokens(FleetTokens.of(Map.of("web", "web-token", "api", "api-token")))
        .adminToken(ADMIN)
        .heartbeatTimeout(Duration.ofMillis(1500))
        .tick(Duration.ofMillis(50))
        .start();
    op = new Operator(server.port(), ADMIN);
  }

  @AfterEach
  void stop() {
    agents.forEach(TestAgent::close);
    op.close();
    server.close();
  }

  TestAgent agent(String fleet, String id, String token) {
    TestAgent a = TestAgent.connect(server.port(), fleet, id, token);
    agents.add(a);
    return a;
  }

  @Test
  void wrongOrMissingTokenIsUnauthenticated() {
    Status wrong = agent("web", "r1", "not-the-token").awaitClosed(WAIT);
    assertThat(wrong.getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
    assertThat(wrong.getDescription()).doesNotContain("not-the-token").doesNotContain("web-token");
    Status missing = agent("web", "r2", null).awaitClosed(WAIT);
    assertThat(missing.getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
    // Another fleet's token does not open this fleet.
    Status other = agent("web", "r3", "api-token").awaitClosed(WAIT);
    assertThat(other.getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
    assertThat(other.getDescription()).contains("not valid for fleet \"web\"");
    assertThat(op.status("web").getRunnersList()).isEmpty();
  }

  @Test
  void unknownFleetIsNotFound() {
    Status s = agent("nope", "r1", "web-token").awaitClosed(WAIT);
    assertThat(s.getCode()).isEqualTo(Status.Code.NOT_FOUND);
    assertThat(s.getDescription()).contains("fleet \"nope\" is not configured");
  }

  @Test
  void badRunnerIdIsRefused() {
    Status s = agent("web", "../../etc/passwd", "web-token").awaitClosed(WAIT);
    assertThat(s.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(s.getDescription()).contains("runner id");
  }

  @Test
  void duplicateRunnerIdIsAlreadyExists() {
    TestAgent first = agent("web", "r1", "web-token");
    Await.until(() -> server.connected("web") == 1, WAIT, "r1 connected");
    Status s = agent("web", "r1", "web-token").awaitClosed(WAIT);
    assertThat(s.getCode()).isEqualTo(Status.Code.ALREADY_EXISTS);
    assertThat(s.getDescription()).contains("runner id \"r1\" is already connected");
    assertThat(first.closedWith).isNull();
    // The same id in another fleet is another runner.
    agent("api", "r1", "api-token");
    Await.until(() -> server.connected("api") == 1, WAIT, "api/r1 connected");
  }

  @Test
  void aRunnerOnlyGetsItsOwnFleetsPlans() {
    RunnerPlan web = Plans.plan("web");
    RunnerPlan api = Plans.plan("api");
    TestAgent w = agent("web", "r1", "web-token");
    TestAgent a = agent("api", "r1", "api-token");
    Await.until(() -> server.connected("web") == 1 && server.connected("api") == 1, WAIT, "connected");
    assertThat(op.push("web", web, 100, 1, 0).await(WAIT).last().getState()).isEqualTo("completed");
    assertThat(op.push("api", api, 100, 1, 0).await(WAIT).last().getState()).isEqualTo("completed");
    assertThat(w.received).extracting(PlanUpdate::getVersion).containsOnly(web.getVersion());
    assertThat(a.received).extracting(PlanUpdate::getVersion).containsOnly(api.getVersion());
  }

  @Test
  void operatorCallsNeedTheAdminToken() {
    try (Operator anon = new Operator(server.port(), null); Operator bad = new Operator(server.port(), "web-token")) {
      assertThatThrownBy(() -> anon.blocking.status(StatusRequest.getDefaultInstance()))
          .isInstanceOfSatisfying(StatusRuntimeException.class,
              e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED));
      assertThatThrownBy(() -> bad.blocking.status(StatusRequest.getDefaultInstance()))
          .isInstanceOfSatisfying(StatusRuntimeException.class,
              e -> assertThat(e.getStatus().getDescription()).isEqualTo("wrong admin token"));
    }
  }

  @Test
  void staleNonceIsIgnored() {
    RunnerPlan v1 = Plans.plan("one");
    TestAgent a = agent("web", "r1", "web-token");
    a.answer = false;
    Await.until(() -> server.connected("web") == 1, WAIT, "connected");
    Operator.Events e = op.push("web", v1, 100, 1, 0);
    Await.until(() -> !a.received.isEmpty(), WAIT, "the update");
    PlanUpdate u = a.received.get(0);
    a.ack("not-" + u.getNonce(), u.getVersion());
    a.send(AgentMessage.newBuilder().setNack(Nack.newBuilder().setNonce("stale")
        .setVersion(u.getVersion()).setError("old news")).build());
    // Both were ignored: a heartbeat after them proves they were processed, and nothing changed.
    long seen = op.runner("web", "r1").getLastHeartbeatUnixMs();
    Await.until(() -> op.runner("web", "r1").getLastHeartbeatUnixMs() > seen, WAIT, "a heartbeat");
    assertThat(op.runner("web", "r1").getVersion()).isEmpty();
    assertThat(op.runner("web", "r1").getNackedVersion()).isEmpty();
    assertThat(op.status("web").getRollout().getState()).isEqualTo("wave");
    a.handle(u);
    assertThat(e.await(WAIT).last().getState()).isEqualTo("completed");
    assertThat(a.received).hasSize(1); // applied once, never sent twice
  }

  @Test
  void resyncNackGetsTheWholePlanAndIsNotAFailure() {
    RunnerPlan v1 = Plans.plan("one");
    RunnerPlan v2 = Plans.plan("two");
    TestAgent a = agent("web", "r1", "web-token");
    assertThat(op.push("web", v1, 100, 1, 0).await(WAIT).last().getState()).isEqualTo("completed");
    a.answer = false;
    Operator.Events e = op.push("web", v2, 100, 1, 0);
    Await.until(() -> a.received.size() == 2, WAIT, "the delta");
    PlanUpdate delta = a.received.get(1);
    assertThat(delta.hasDelta()).isTrue();
    a.send(AgentMessage.newBuilder().setNack(Nack.newBuilder().setNonce(delta.getNonce())
        .setVersion(delta.getVersion()).setResync(true).setError("base differs")).build());
    Await.until(() -> a.received.size() == 3, WAIT, "the whole plan");
    PlanUpdate full = a.received.get(2);
    assertThat(full.hasPlan()).isTrue();
    assertThat(full.getNonce()).isNotEqualTo(delta.getNonce());
    a.handle(full);
    RolloutEvent last = e.await(WAIT).last();
    assertThat(last.getState()).isEqualTo("completed");
    assertThat(last.getNacks()).isZero();
  }

  @Test
  void aStalledStreamGoesOfflineAndIsClosed() {
    TestAgent a = agent("web", "r1", "web-token");
    Await.until(() -> op.runner("web", "r1").getOnline(), WAIT, "r1 online");
    a.stall();
    Status s = a.awaitClosed(WAIT);
    assertThat(s.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(s.getDescription()).contains("no heartbeat");
    assertThat(op.runner("web", "r1").getOnline()).isFalse();
    assertThat(op.runner("web", "r1").getStatus()).isEqualTo("offline");
    // The id is free again: the runner reconnects.
    agent("web", "r1", "web-token");
    Await.until(() -> op.runner("web", "r1").getOnline(), WAIT, "r1 back online");
  }

  @Test
  void aPlanFormatTooNewIsNotSentAndCountsAsANack() {
    RunnerPlan v1 = Plans.plan("one");
    TestAgent a = agent("web", "r1", "web-token");
    assertThat(op.push("web", v1, 100, 1, 0).await(WAIT).last().getState()).isEqualTo("completed");
    RunnerPlan future = Plans.plan("two", 2);
    RolloutEvent last = op.push("web", future, 100, 1, 0).await(WAIT).last();
    assertThat(last.getState()).isEqualTo("rolled-back");
    assertThat(last.getRunners(0).getError())
        .isEqualTo("this runner reads plan formats up to 1; version "
            + future.getVersion().substring(0, 12) + " is format 2 (upgrade the runner)");
    assertThat(a.received).extracting(PlanUpdate::getVersion).doesNotContain(future.getVersion());
    assertThat(a.version()).isEqualTo(v1.getVersion());
  }

  @Test
  void pushRefusesAPlanWhoseContentDoesNotMatchItsVersion() {
    RunnerPlan forged = Plans.plan("one").toBuilder().setVersion(Plans.plan("two").getVersion()).build();
    Operator.Events e = op.push("web", forged, 100, 1, 0).await(WAIT);
    assertThat(Status.fromThrowable(e.error).getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(op.history("web").getEntriesList()).isEmpty();
    Operator.Events unknown = op.push("nope", Plans.plan("one"), 100, 1, 0).await(WAIT);
    assertThat(Status.fromThrowable(unknown.error).getCode()).isEqualTo(Status.Code.NOT_FOUND);
  }

  @Test
  void aVersionFromElsewhereGetsTheWholePlanAndAReconnectGetsNothingTwice() {
    RunnerPlan foreign = Plans.plan("pushed to another control plane");
    TestAgent a = TestAgent.connect(server.port(), "web", "r1", "web-token", foreign, 1);
    agents.add(a);
    Await.until(() -> server.connected("web") == 1, WAIT, "connected");
    assertThat(op.runner("web", "r1").getVersion()).isEqualTo(foreign.getVersion());
    RunnerPlan v1 = Plans.plan("one");
    assertThat(op.push("web", v1, 100, 1, 0).await(WAIT).last().getState()).isEqualTo("completed");
    assertThat(a.received).hasSize(1);
    assertThat(a.received.get(0).hasPlan()).as("no delta against a plan this fleet never had").isTrue();
    RunnerPlan serving = a.serving;
    a.close();
    agents.remove(a);
    Await.until(() -> server.connected("web") == 0, WAIT, "disconnected");
    TestAgent again = TestAgent.connect(server.port(), "web", "r1", "web-token", serving, 1);
    agents.add(again);
    Await.until(() -> op.runner("web", "r1").getOnline(), WAIT, "reconnected");
    long seen = op.runner("web", "r1").getLastHeartbeatUnixMs();
    Await.until(() -> op.runner("web", "r1").getLastHeartbeatUnixMs() > seen, WAIT, "a heartbeat");
    assertThat(again.received).isEmpty();
  }

  @Test
  void aPlanLargerThanGrpcsDefaultLimitIsAccepted() {
    RunnerPlan big = dev.capmesh.proto.PlanDigest.seal(Plans.plan("big").toBuilder()
        .addServices(dev.capmesh.proto.v1.Service.newBuilder().setName("blob")
            .setWorker(dev.capmesh.proto.v1.WorkerSpec.newBuilder().setModules(
                dev.capmesh.proto.v1.Modules.newBuilder().addModules(
                    dev.capmesh.proto.v1.Module.newBuilder().setName("blob.bin")
                        .setKind(dev.capmesh.proto.v1.Module.Kind.DATA)
                        .setContent(com.google.protobuf.ByteString.copyFrom(new byte[6 << 20]))))))
        .build());
    Operator.Events e = op.push("web", big, 100, 1, 0).await(WAIT);
    assertThat(e.error).isNull();
    assertThat(e.last().getState()).isEqualTo("completed");
  }
}
