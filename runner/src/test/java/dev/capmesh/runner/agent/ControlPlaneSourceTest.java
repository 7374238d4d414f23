package dev.capmesh.runner.agent;

import static dev.capmesh.runner.agent.Plans.delta;
import static dev.capmesh.runner.agent.Plans.full;
import static dev.capmesh.runner.agent.Plans.plan;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.google.protobuf.ByteString;
import dev.capmesh.proto.PlanDigest;
import dev.capmesh.proto.v1.AgentMessage;
import dev.capmesh.proto.v1.Heartbeat;
import dev.capmesh.proto.v1.Hello;
import dev.capmesh.proto.v1.RunnerPlan;
import io.grpc.Status;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;

class ControlPlaneSourceTest {
  private static final String TOKEN = "fleet-token-7f3a9c";

  @TempDir Path dir;
  private ScriptedControlPlane cp;
  private final RecordingTarget target = new RecordingTarget();
  private final List<String> connection = new CopyOnWriteArrayList<>();
  private final List<String> refused = new CopyOnWriteArrayList<>();
  private final List<String> started = new CopyOnWriteArrayList<>();
  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  private final Logger logger = (Logger) LoggerFactory.getLogger(ControlPlaneSource.class);
  private @Nullable PlanStore store;
  private @Nullable ControlPlaneSource source;
  private @Nullable TcpProxy proxy;

  @BeforeEach
  void setUp() throws IOException {
    cp = ScriptedControlPlane.start(TOKEN);
    logs.start();
    logger.addAppender(logs);
    logger.setLevel(Level.DEBUG);
  }

  @AfterEach
  void tearDown() throws Exception {
    if (source != null) {
      source.close();
    }
    if (store != null) {
      store.close();
    }
    if (proxy != null) {
      proxy.close();
    }
    cp.close();
    logger.detachAppender(logs);
    logger.setLevel(null);
    // Whatever happened, the fleet token never reached the log.
    assertThat(logText()).doesNotContain(TOKEN);
  }

  private PlanStore store() throws IOException {
    if (store == null) {
      store = PlanStore.open(dir, Clock.systemUTC());
    }
    return store;
  }

  private ControlPlaneSource agent(String address, FleetToken token) throws IOException {
    AgentOptions options = AgentOptions.of(address, "web", "r1")
        .withBackoff(Duration.ofMillis(20), Duration.ofMillis(300))
        .withHeartbeatInterval(Duration.ofMillis(100))
        .withStableAfter(Duration.ofMillis(200))
        .withAgent("test agent");
    source = new ControlPlaneSource(options, token, store(), new AgentListener() {
      @Override
      public void started(String servedVersion) {
        started.add(servedVersion);
      }

      @Override
      public void connection(String message) {
        connection.add(message);
      }

      @Override
      public void refused(String version, String error) {
        refused.add(error);
      }
    });
    return source;
  }

  private CompletableFuture<Void> startInBackground(ControlPlaneSource s, RecordingTarget t) {
    return CompletableFuture.runAsync(() -> {
      try {
        s.start(t);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
  }

  /** Starts an agent on the scripted control plane and has it apply {@code first}. */
  private ScriptedControlPlane.AgentStream serving(RunnerPlan first) throws Exception {
    CompletableFuture<Void> start = startInBackground(agent(cp.address(), FleetToken.fromEnvironment(TOKEN)), target);
    ScriptedControlPlane.AgentStream s = cp.nextStream();
    s.send(full("n-first", first));
    assertThat(s.next().getAck().getNonce()).isEqualTo("n-first");
    start.get(10, TimeUnit.SECONDS);
    return s;
  }

  private RunnerPlan persisted() throws IOException {
    return RunnerPlan.parseFrom(Files.readAllBytes(dir.resolve(PlanStore.PLAN_FILE)));
  }

  private String logText() {
    StringBuilder b = new StringBuilder();
    for (ILoggingEvent e : logs.list) {
      b.append(e.getFormattedMessage()).append('\n');
      if (e.getThrowableProxy() != null) {
        b.append(e.getThrowableProxy().getMessage()).append('\n');
      }
    }
    return b.toString();
  }

  private long warningsContaining(String text) {
    return logs.list.stream().filter(e -> e.getLevel() == Level.WARN)
        .filter(e -> e.getFormattedMessage().contains(text)).count();
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting until " + what);
      }
      Thread.sleep(10);
    }
  }

  @Test
  void fullPlanIsAppliedPersistedAndAckedWithItsNonce() throws Exception {
    CompletableFuture<Void> start = startInBackground(agent(cp.address(), FleetToken.fromEnvironment(TOKEN)), target);
    ScriptedControlPlane.AgentStream s = cp.nextStream();
    Hello hello = s.hello();
    assertThat(hello.getFleet()).isEqualTo("web");
    assertThat(hello.getRunnerId()).isEqualTo("r1");
    assertThat(hello.getCurrentVersion()).isEmpty();
    assertThat(hello.getMaxPlanFormat()).isEqualTo(PlanDigest.CURRENT_FORMAT);
    assertThat(hello.getAgent()).isEqualTo("test agent");
    assertThat(start).isNotDone();

    RunnerPlan p1 = plan("one");
    s.send(full("nonce-1", p1));
    AgentMessage m = s.next();
    assertThat(m.hasAck()).as("%s", m).isTrue();
    assertThat(m.getAck().getNonce()).isEqualTo("nonce-1");
    assertThat(m.getAck().getVersion()).isEqualTo(p1.getVersion());
    assertThat(target.applied).containsExactly(p1);
    assertThat(persisted()).isEqualTo(p1);
    start.get(10, TimeUnit.SECONDS);
    assertThat(source.version()).isEqualTo(p1.getVersion());
  }

  @Test
  void aRunnerWaitingForItsFirstPlanIsHealthy() throws Exception {
    startInBackground(agent(cp.address(), FleetToken.fromEnvironment(TOKEN)), target);
    ScriptedControlPlane.AgentStream s = cp.nextStream();
    Heartbeat beat = s.heartbeats.poll(10, TimeUnit.SECONDS);
    assertThat(beat).isNotNull();
    assertThat(beat.getVersion()).isEmpty();
    assertThat(beat.getHealthy()).isTrue();
  }

  @Test
  void aPersistedPlanThatNoLongerAppliesIsReportedUnhealthyUntilAPlanApplies() throws Exception {
    RunnerPlan p1 = plan("persisted");
    store().save(p1);
    target.failNext = List.of("socket \"http\": cannot listen on 127.0.0.1:8080: address in use");
    startInBackground(agent(cp.address(), FleetToken.fromEnvironment(TOKEN)), target);
    ScriptedControlPlane.AgentStream s = cp.nextStream();
    assertThat(s.hello().getCurrentVersion()).isEmpty();
    Heartbeat beat = s.heartbeats.poll(10, TimeUnit.SECONDS);
    assertThat(beat).isNotNull();
    assertThat(beat.getHealthy()).isFalse();
    assertThat(beat.getDetail()).contains("the persisted plan " + PlanDigest.shortVersion(p1.getVersion())
        + " does not apply").contains("address in use");
    s.send(full("n1", p1));
    assertThat(s.next().getAck().getNonce()).isEqualTo("n1");
    s.heartbeats.clear();
    Heartbeat after = s.heartbeats.poll(10, TimeUnit.SECONDS);
    assertThat(after.getHealthy()).isTrue();
    assertThat(after.getVersion()).isEqualTo(p1.getVersion());
  }

  @Test
  void heartbeatsCarryTheServedVersion() throws Exception {
    RunnerPlan p1 = plan("one");
    ScriptedControlPlane.AgentStream s = serving(p1);
    s.heartbeats.clear();
    Heartbeat beat = s.heartbeats.poll(10, TimeUnit.SECONDS);
    assertThat(beat).isNotNull();
    assertThat(beat.getVersion()).isEqualTo(p1.getVersion());
    assertThat(beat.getHealthy()).isTrue();
  }

  @Test
  void heartbeatsKeepFlowingWhileAPlanIsApplied() throws Exception {
    RunnerPlan p1 = plan("one");
    ScriptedControlPlane.AgentStream s = serving(p1);
    var release = new CountDownLatch(1);
    target.block = release;
    target.entered = new CountDownLatch(1);
    RunnerPlan p2 = plan("two");
    s.send(full("slow", p2));
    assertThat(target.entered.await(10, TimeUnit.SECONDS)).isTrue();
    s.heartbeats.clear();
    // The apply is stuck; the control plane still hears from the runner, which serves p1.
    for (int i = 0; i < 3; i++) {
      Heartbeat beat = s.heartbeats.poll(10, TimeUnit.SECONDS);
      assertThat(beat).isNotNull();
      assertThat(beat.getVersion()).isEqualTo(p1.getVersion());
    }
    target.block = null;
    release.countDown();
    AgentMessage m = s.next();
    assertThat(m.getAck().getNonce()).as("%s", m).isEqualTo("slow");
    assertThat(target.applied).containsExactly(p1, p2);
  }

  @Test
  void theSameVersionIsAckedButNotAppliedTwice() throws Exception {
    RunnerPlan p1 = plan("one");
    ScriptedControlPlane.AgentStream s = serving(p1);
    s.send(full("again", p1));
    assertThat(s.next().getAck().getNonce()).isEqualTo("again");
    s.send(delta("again-delta", plan("zero"), p1));
    assertThat(s.next().getAck().getNonce()).isEqualTo("again-delta");
    assertThat(target.applied).hasSize(1);
  }

  @Test
  void deltaIsAppliedOnTopOfTheCurrentPlan() throws Exception {
    RunnerPlan p1 = plan("one", "two");
    ScriptedControlPlane.AgentStream s = serving(p1);
    RunnerPlan p2 = plan("one", "TWO", "three");
    s.send(delta("nonce-2", p1, p2));
    AgentMessage m = s.next();
    assertThat(m.getAck().getNonce()).as("%s", m).isEqualTo("nonce-2");
    assertThat(m.getAck().getVersion()).isEqualTo(p2.getVersion());
    assertThat(target.applied).containsExactly(p1, p2);
    assertThat(persisted()).isEqualTo(p2);
  }

  @Test
  void deltaOnAnotherBaseAsksForTheWholePlan() throws Exception {
    RunnerPlan p1 = plan("one");
    ScriptedControlPlane.AgentStream s = serving(p1);
    RunnerPlan other = plan("other");
    RunnerPlan p2 = plan("two");
    s.send(delta("nonce-2", other, p2));
    AgentMessage m = s.next();
    assertThat(m.hasNack()).as("%s", m).isTrue();
    assertThat(m.getNack().getResync()).isTrue();
    assertThat(m.getNack().getNonce()).isEqualTo("nonce-2");
    assertThat(m.getNack().getVersion()).isEqualTo(p2.getVersion());
    assertThat(m.getNack().getError()).contains("based on version "
        + PlanDigest.shortVersion(other.getVersion())).contains(PlanDigest.shortVersion(p1.getVersion()));
    assertThat(target.applied).containsExactly(p1);
    // The whole plan then applies.
    s.send(full("nonce-3", p2));
    assertThat(s.next().getAck().getNonce()).isEqualTo("nonce-3");
    assertThat(target.applied).containsExactly(p1, p2);
  }

  @Test
  void deltaBeforeAnyPlanAsksForTheWholePlan() throws Exception {
    startInBackground(agent(cp.address(), FleetToken.fromEnvironment(TOKEN)), target);
    ScriptedControlPlane.AgentStream s = cp.nextStream();
    s.send(delta("d", plan("a"), plan("b")));
    AgentMessage m = s.next();
    assertThat(m.getNack().getResync()).as("%s", m).isTrue();
    assertThat(m.getNack().getError()).contains("serves no plan yet");
    assertThat(target.applied).isEmpty();
  }

  @Test
  void tamperedPlanIsRefusedNamingTheService() throws Exception {
    RunnerPlan p1 = plan("one");
    ScriptedControlPlane.AgentStream s = serving(p1);
    RunnerPlan p2 = plan("two", "three");
    // An attacker (or a bad disk) changes w1's code but keeps the hashes.
    RunnerPlan.Builder b = p2.toBuilder();
    b.getServicesBuilder(1).getWorkerBuilder().getModulesBuilder().getModulesBuilder(0)
        .setContent(ByteString.copyFromUtf8("export default { fetch() { return steal(); } };"));
    s.send(full("evil", b.build()));
    AgentMessage m = s.next();
    assertThat(m.hasNack()).as("%s", m).isTrue();
    assertThat(m.getNack().getResync()).isFalse();
    assertThat(m.getNack().getError()).contains("service \"w1\" does not match its hash");
    assertThat(refused).hasSize(1);
    assertThat(target.applied).containsExactly(p1);
    assertThat(persisted()).isEqualTo(p1);
  }

  @Test
  void planThatClaimsAnotherVersionIsRefused() throws Exception {
    RunnerPlan p1 = plan("one");
    ScriptedControlPlane.AgentStream s = serving(p1);
    RunnerPlan p2 = plan("two");
    s.send(full("n", p2).toBuilder().setVersion(p1.getVersion()).build());
    AgentMessage m = s.next();
    assertThat(m.getNack().getError()).as("%s", m).contains("announces version "
        + PlanDigest.shortVersion(p1.getVersion()) + " but carries plan " + PlanDigest.shortVersion(p2.getVersion()));
    assertThat(target.applied).containsExactly(p1);
  }

  @Test
  void planFromAFutureFormatIsRefused() throws Exception {
    RunnerPlan p1 = plan("one");
    ScriptedControlPlane.AgentStream s = serving(p1);
    RunnerPlan future = PlanDigest.seal(Plans.unsealed(PlanDigest.CURRENT_FORMAT + 1, "new"));
    s.send(full("future", future));
    AgentMessage m = s.next();
    assertThat(m.hasNack()).as("%s", m).isTrue();
    assertThat(m.getNack().getResync()).isFalse();
    assertThat(m.getNack().getError()).contains("plan format " + (PlanDigest.CURRENT_FORMAT + 1))
        .contains("formats up to " + PlanDigest.CURRENT_FORMAT).contains("upgrade the runner");
    // A delta to that format is refused the same way, not resynced.
    s.send(delta("future-delta", p1, future));
    AgentMessage d = s.next();
    assertThat(d.getNack().getResync()).as("%s", d).isFalse();
    assertThat(d.getNack().getError()).contains("upgrade the runner");
    assertThat(target.applied).containsExactly(p1);
  }

  @Test
  void updateWithoutAPlanIsRefused() throws Exception {
    ScriptedControlPlane.AgentStream s = serving(plan("one"));
    s.send(dev.capmesh.proto.v1.PlanUpdate.newBuilder().setNonce("empty").setVersion("abc").build());
    assertThat(s.next().getNack().getError()).contains("neither a plan nor a delta");
  }

  @Test
  void applyFailureIsNackedWithTheErrorsAndTheOldPlanStays() throws Exception {
    RunnerPlan p1 = plan("one");
    ScriptedControlPlane.AgentStream s = serving(p1);
    target.failNext = List.of("socket \"http\": 127.0.0.1:8080 is in use",
        "worker \"w1\": main.js:1:7: SyntaxError: Unexpected token");
    RunnerPlan p2 = plan("two", "broken");
    s.send(full("nonce-2", p2));
    AgentMessage m = s.next();
    assertThat(m.hasNack()).as("%s", m).isTrue();
    assertThat(m.getNack().getNonce()).isEqualTo("nonce-2");
    assertThat(m.getNack().getVersion()).isEqualTo(p2.getVersion());
    assertThat(m.getNack().getResync()).isFalse();
    assertThat(m.getNack().getError()).isEqualTo("socket \"http\": 127.0.0.1:8080 is in use\n"
        + "worker \"w1\": main.js:1:7: SyntaxError: Unexpected token");
    assertThat(target.applied).containsExactly(p1);
    assertThat(source.version()).isEqualTo(p1.getVersion());
    assertThat(persisted()).isEqualTo(p1);
    // A later good plan still applies.
    RunnerPlan p3 = plan("three");
    s.send(delta("nonce-3", p1, p3));
    assertThat(s.next().getAck().getNonce()).isEqualTo("nonce-3");
    assertThat(persisted()).isEqualTo(p3);
  }

  @Test
  void controlPlaneDownAtStartServesThePersistedPlanAndConnectsLater() throws Exception {
    RunnerPlan p1 = plan("persisted");
    store().save(p1);
    proxy = new TcpProxy();
    ControlPlaneSource agent = agent(proxy.address(), FleetToken.fromEnvironment(TOKEN));
    // start() returns at once: the persisted plan serves while the control plane is down.
    agent.start(target);
    assertThat(target.applied).containsExactly(p1);
    assertThat(started).containsExactly(p1.getVersion());
    await("the agent retried a few times", () -> proxy.accepted.get() >= 4);
    assertThat(warningsContaining("cannot reach the control plane at " + proxy.address()))
        .as(logText()).isEqualTo(1);

    proxy.upstream = new InetSocketAddress("127.0.0.1", cp.port());
    ScriptedControlPlane.AgentStream s = cp.nextStream();
    assertThat(s.hello().getCurrentVersion()).isEqualTo(p1.getVersion());
    await("subscribed", () -> connection.stream().anyMatch(c -> c.startsWith("subscribed")));
    RunnerPlan p2 = plan("fresh");
    s.send(delta("n2", p1, p2));
    assertThat(s.next().getAck().getNonce()).isEqualTo("n2");
    assertThat(target.applied).containsExactly(p1, p2);
  }

  @ParameterizedTest
  @ValueSource(strings = {"garbage", "truncated", "tampered", "future"})
  void unusablePersistedPlanIsReportedMovedAsideAndNotApplied(String damage) throws Exception {
    RunnerPlan good = plan("one", "two");
    byte[] bytes = switch (damage) {
      case "garbage" -> new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0a, 0x01};
      case "truncated" -> Arrays.copyOf(good.toByteArray(), good.getSerializedSize() - 20);
      case "tampered" -> {
        RunnerPlan.Builder b = good.toBuilder();
        b.getServicesBuilder(0).setName("w9");
        yield b.build().toByteArray();
      }
      case "future" -> PlanDigest.seal(Plans.unsealed(PlanDigest.CURRENT_FORMAT + 1, "x")).toByteArray();
      default -> throw new AssertionError(damage);
    };
    Files.write(dir.resolve(PlanStore.PLAN_FILE), bytes);

    startInBackground(agent(cp.address(), FleetToken.fromEnvironment(TOKEN)), target);
    ScriptedControlPlane.AgentStream s = cp.nextStream();
    assertThat(s.hello().getCurrentVersion()).isEmpty();
    assertThat(target.applied).isEmpty();
    assertThat(started).containsExactly("");
    assertThat(Files.exists(dir.resolve(PlanStore.PLAN_FILE))).isFalse();
    List<Path> aside;
    try (Stream<Path> files = Files.list(dir)) {
      aside = files.filter(f -> f.getFileName().toString().startsWith("plan.bin.corrupt-")).toList();
    }
    assertThat(aside).hasSize(1);
    assertThat(Files.readAllBytes(aside.get(0))).isEqualTo(bytes);
    assertThat(logs.list).anySatisfy(e -> {
      assertThat(e.getLevel()).isEqualTo(Level.ERROR);
      assertThat(e.getFormattedMessage()).contains("persisted plan").contains("unusable")
          .contains(aside.get(0).getFileName().toString());
    });
  }

  @Test
  void wrongTokenIsReportedOnceAndNeverLogged() throws Exception {
    String wrong = "wrong-token-41b2d8";
    startInBackground(agent(cp.address(), FleetToken.fromEnvironment(wrong)), target);
    await("the control plane refused a few attempts", () -> cp.refusedCalls.get() >= 4);
    assertThat(connection).hasSize(1);
    assertThat(connection.get(0)).contains("refused the fleet token").contains("UNAUTHENTICATED")
        .contains(FleetToken.ENVIRONMENT_VARIABLE).contains("retrying");
    assertThat(warningsContaining("refused the fleet token")).isEqualTo(1);
    assertThat(logText()).doesNotContain(wrong);
    assertThat(target.applied).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"NOT_FOUND", "ALREADY_EXISTS", "PERMISSION_DENIED"})
  void refusalsFromTheControlPlaneAreExplained(String code) throws Exception {
    cp.refuseWith = Status.fromCode(Status.Code.valueOf(code)).withDescription("scripted refusal");
    startInBackground(agent(cp.address(), FleetToken.fromEnvironment(TOKEN)), target);
    // The third stream opens only after the agent has handled the second refusal.
    cp.nextStream();
    cp.nextStream();
    cp.nextStream();
    String expected = switch (code) {
      case "NOT_FOUND" -> "does not know fleet \"web\"";
      case "ALREADY_EXISTS" -> "another runner with id \"r1\" is connected to fleet web";
      default -> "refused runner r1 for fleet web";
    };
    assertThat(connection.get(0)).contains(expected).contains(code + ": scripted refusal");
    assertThat(connection).hasSize(1);
  }

  @Test
  void streamClosedByTheControlPlaneReconnectsWithTheServedVersion() throws Exception {
    RunnerPlan p1 = plan("one");
    ScriptedControlPlane.AgentStream s = serving(p1);
    await("subscribed", () -> connection.stream().anyMatch(c -> c.startsWith("subscribed")));
    s.fail(Status.UNAVAILABLE.withDescription("control plane restarting"));
    ScriptedControlPlane.AgentStream s2 = cp.nextStream();
    assertThat(s2.hello().getCurrentVersion()).isEqualTo(p1.getVersion());
    await("logged", () -> connection.stream().anyMatch(c -> c.startsWith("lost the stream")));
    assertThat(target.applied).containsExactly(p1);
  }

  @Test
  void stalledStreamIsDetectedAndReplaced() throws Exception {
    proxy = new TcpProxy();
    proxy.upstream = new InetSocketAddress("127.0.0.1", cp.port());
    AgentOptions options = AgentOptions.of(proxy.address(), "web", "r1")
        .withBackoff(Duration.ofMillis(20), Duration.ofMillis(300))
        .withKeepAlive(Duration.ofSeconds(10), Duration.ofMillis(500));
    source = new ControlPlaneSource(options, FleetToken.fromEnvironment(TOKEN), store(), new AgentListener() {
      @Override
      public void connection(String message) {
        connection.add(message);
      }
    });
    ControlPlaneSource agent = source;
    CompletableFuture<Void> start = startInBackground(agent, target);
    ScriptedControlPlane.AgentStream s = cp.nextStream();
    RunnerPlan p1 = plan("one");
    s.send(full("n1", p1));
    assertThat(s.next().getAck().getNonce()).isEqualTo("n1");
    start.get(10, TimeUnit.SECONDS);

    // The control plane's host stops answering: nothing arrives, the TCP connection stays open.
    proxy.freeze();
    ScriptedControlPlane.AgentStream s2 = cp.nextStream();
    assertThat(s2.hello().getCurrentVersion()).isEqualTo(p1.getVersion());
    assertThat(connection).anyMatch(c -> c.startsWith("lost the stream"));
    s2.send(full("n2", p1));
    assertThat(s2.next().getAck().getNonce()).isEqualTo("n2");
    assertThat(target.applied).containsExactly(p1);
  }

  @Test
  void runnerKilledMidApplyRestartsOnItsLastAppliedPlan() throws Exception {
    RunnerPlan p1 = plan("one");
    ScriptedControlPlane.AgentStream s = serving(p1);
    var release = new CountDownLatch(1);
    target.block = release;
    target.entered = new CountDownLatch(1);
    s.send(full("n2", plan("two")));
    assertThat(target.entered.await(10, TimeUnit.SECONDS)).isTrue();
    // Killed while applying: nothing of the new plan is persisted.
    source.close();
    source = null;
    store.close();
    store = null;
    assertThat(persisted()).isEqualTo(p1);

    var restarted = new RecordingTarget();
    agent(cp.address(), FleetToken.fromEnvironment(TOKEN)).start(restarted);
    assertThat(restarted.applied).containsExactly(p1);
    assertThat(cp.nextStream().hello().getCurrentVersion()).isEqualTo(p1.getVersion());
  }

  @Test
  void closeBeforeAnyPlanEndsStart() throws Exception {
    ControlPlaneSource agent = agent(cp.address(), FleetToken.fromEnvironment(TOKEN));
    CompletableFuture<Void> start = startInBackground(agent, target);
    cp.nextStream();
    agent.close();
    await("start ended", start::isDone);
    assertThat(start).isCompletedExceptionally();
  }
}
