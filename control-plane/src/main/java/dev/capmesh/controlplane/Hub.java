package dev.capmesh.controlplane;

import dev.capmesh.controlplane.rollout.RolloutEngine;
import dev.capmesh.controlplane.store.ControlStore;
import dev.capmesh.controlplane.store.FleetRecord;
import dev.capmesh.controlplane.store.Names;
import dev.capmesh.controlplane.store.RolloutRecord;
import dev.capmesh.controlplane.store.RunnerRecord;
import dev.capmesh.controlplane.store.StoreException;
import dev.capmesh.controlplane.token.FleetTokens;
import dev.capmesh.proto.PlanDeltas;
import dev.capmesh.proto.PlanDigest;
import dev.capmesh.proto.v1.AgentMessage;
import dev.capmesh.proto.v1.Hello;
import dev.capmesh.proto.v1.PlanUpdate;
import dev.capmesh.proto.v1.RolloutEvent;
import dev.capmesh.proto.v1.RunnerPlan;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The control plane's state machine: agent streams, the operators' rollout watches, the
 * leadership, and one step of every fleet's rollout. Every method runs on the one hub thread
 * (the server posts everything there), so nothing here is locked.
 */
final class Hub {
  private static final Logger log = LoggerFactory.getLogger(Hub.class);
  private static final int MAX_ERROR_CHARS = 4000;

  final ControlStore store;
  final FleetTokens tokens;
  final Clock clock;
  final long timeoutMs;
  final String instance;
  final Duration lease;
  private boolean leader;
  private final Map<String, Map<String, AgentSession>> sessions = new HashMap<>();
  private final Set<AgentSession> awaitingHello = new LinkedHashSet<>();
  final List<Watch> watches = new ArrayList<>();
  private final SecureRandom random = new SecureRandom();

  /** An operator call streaming one rollout's events. */
  static final class Watch {
    final String fleet;
    final String rolloutId;
    final ServerCallStreamObserver<RolloutEvent> out;
    @Nullable RolloutEvent last;
    boolean done;

    Watch(String fleet, String rolloutId, ServerCallStreamObserver<RolloutEvent> out) {
      this.fleet = fleet;
      this.rolloutId = rolloutId;
      this.out = out;
    }
  }

  Hub(ControlStore store, FleetTokens tokens, Clock clock, Duration heartbeatTimeout,
      String instance, Duration lease) {
    this.store = store;
    this.tokens = tokens;
    this.clock = clock;
    this.timeoutMs = heartbeatTimeout.toMillis();
    this.instance = instance;
    this.lease = lease;
  }

  long now() {
    return clock.millis();
  }

  boolean leader() {
    return leader;
  }

  // ---- agents ----------------------------------------------------------------------------

  void opened(AgentSession s) {
    awaitingHello.add(s);
  }

  void onMessage(AgentSession s, AgentMessage m) {
    if (s.closed) {
      return;
    }
    s.lastSeenMs = now();
    if (s.record == null) {
      hello(s, m);
      return;
    }
    switch (m.getKindCase()) {
      case HELLO -> {
        log.warn("runner={} fleet={} sent a second Hello; closing its stream", s.id(), s.fleet());
        drop(s, Status.INVALID_ARGUMENT.withDescription("Hello is only the first message"));
      }
      case ACK -> ack(s, m.getAck().getNonce());
      case NACK -> nack(s, m.getNack());
      case HEARTBEAT -> heartbeat(s, m.getHeartbeat());
      case KIND_NOT_SET -> drop(s, Status.INVALID_ARGUMENT.withDescription(
          "empty AgentMessage (expected: hello, ack, nack or heartbeat)"));
    }
  }

  private void hello(AgentSession s, AgentMessage m) {
    awaitingHello.remove(s);
    if (!m.hasHello()) {
      s.fail(Status.INVALID_ARGUMENT.withDescription("the first message on Subscribe must be a "
          + "Hello, not " + m.getKindCase().name().toLowerCase(java.util.Locale.ROOT)));
      return;
    }
    Hello h = m.getHello();
    String fleetProblem = Names.fleetProblem(h.getFleet());
    if (fleetProblem != null) {
      s.fail(Status.INVALID_ARGUMENT.withDescription("Hello: " + fleetProblem));
      return;
    }
    String idProblem = Names.runnerProblem(h.getRunnerId());
    if (idProblem != null) {
      s.fail(Status.INVALID_ARGUMENT.withDescription("Hello: " + idProblem));
      return;
    }
    String fleet = h.getFleet();
    String id = h.getRunnerId();
    if (!tokens.knows(fleet)) {
      log.warn("refused Subscribe peer={} fleet={} runner={}: unknown fleet", s.peer, fleet, id);
      s.fail(Status.NOT_FOUND.withDescription("fleet \"" + fleet + "\" is not configured on this "
          + "control plane (known fleets are the ones in its --tokens file)"));
      return;
    }
    if (!tokens.valid(fleet, s.token)) {
      log.warn("refused Subscribe peer={} fleet={} runner={}: the token is not this fleet's",
          s.peer, fleet, id);
      s.fail(Status.UNAUTHENTICATED.withDescription("the token is not valid for fleet \""
          + fleet + "\""));
      return;
    }
    Map<String, AgentSession> fleetSessions = sessions.computeIfAbsent(fleet, k -> new HashMap<>());
    if (fleetSessions.containsKey(id)) {
      log.warn("refused Subscribe peer={} fleet={} runner={}: already connected from {}",
          s.peer, fleet, id, fleetSessions.get(id).peer);
      s.fail(Status.ALREADY_EXISTS.withDescription("runner id \"" + id + "\" is already connected "
          + "to fleet \"" + fleet + "\"; give each agent its own --runner-id (a stalled stream "
          + "is closed after " + timeoutMs + " ms without heartbeats)"));
      return;
    }
    fleetSessions.put(id, s);
    String current = h.getCurrentVersion();
    s.serving = Names.isVersion(current) ? current : "";
    s.maxFormat = h.getMaxPlanFormat() == 0 ? 1 : h.getMaxPlanFormat();
    RunnerRecord old = store.runners(fleet).stream().filter(r -> r.id().equals(id)).findFirst()
        .orElse(null);
    s.record = new RunnerRecord(id, fleet, s.serving, now(), true, instance,
        old == null ? "" : old.nackedVersion(), old == null ? "" : old.nackReason(),
        old == null ? 0 : old.nackedMs(), true, "", s.maxFormat, cut(h.getAgent(), 200));
    store.putRunner(s.record);
    log.info("runner={} fleet={} connected peer={} version={} maxFormat={}", id, fleet, s.peer,
        PlanDigest.shortVersion(s.serving), s.maxFormat);
    step(fleet);
  }

  private void ack(AgentSession s, String nonce) {
    if (s.nonce == null || !s.nonce.equals(nonce)) {
      log.debug("runner={} fleet={} ACKed stale nonce; ignored", s.id(), s.fleet());
      touch(s);
      return;
    }
    s.nonce = null;
    s.serving = s.sentVersion;
    RunnerRecord r = s.record.withVersion(s.serving).seen(now());
    if (r.nackedVersion().equals(s.serving)) {
      r = r.withNack("", "", 0);
    }
    s.record = r;
    store.putRunner(r);
    log.info("runner={} fleet={} ACK version={}", s.id(), s.fleet(), PlanDigest.shortVersion(s.serving));
    step(s.fleet());
  }

  private void nack(AgentSession s, dev.capmesh.proto.v1.Nack n) {
    if (s.nonce == null || !s.nonce.equals(n.getNonce())) {
      log.debug("runner={} fleet={} NACKed stale nonce; ignored", s.id(), s.fleet());
      touch(s);
      return;
    }
    if (n.getResync()) {
      Optional<RunnerPlan> plan = store.plan(s.fleet(), s.sentVersion);
      if (plan.isPresent()) {
        send(s, plan.get(), true);
        return;
      }
    }
    s.nonce = null;
    refuse(s, s.sentVersion, n.getError().isBlank() ? "NACK without a reason" : cut(n.getError(), MAX_ERROR_CHARS));
    log.warn("runner={} fleet={} NACK version={}", s.id(), s.fleet(),
        PlanDigest.shortVersion(s.sentVersion));
    step(s.fleet());
  }

  private void refuse(AgentSession s, String version, String reason) {
    FleetRecord f = store.fleet(s.fleet()).orElse(FleetRecord.empty(s.fleet()));
    s.refused = version;
    s.refusedRollout = f.rollout() == null ? "" : f.rollout().id();
    s.record = s.record.withNack(version, reason, now()).seen(now());
    store.putRunner(s.record);
  }

  private void heartbeat(AgentSession s, dev.capmesh.proto.v1.Heartbeat hb) {
    // The version served is what the Hello and the ACKs said: a heartbeat's version may have
    // been read before an ACK it arrives after, so it never moves the registry.
    RunnerRecord r = s.record.seen(now()).withHealth(hb.getHealthy(), cut(hb.getDetail(), 500));
    boolean changed = !r.withConnected(true).seen(0).equals(s.record.seen(0));
    s.record = r;
    store.putRunner(r);
    if (changed) {
      step(s.fleet());
    }
  }

  private void touch(AgentSession s) {
    s.record = s.record.seen(now());
    store.putRunner(s.record);
  }

  void closed(AgentSession s, String why) {
    awaitingHello.remove(s);
    boolean wasOpen = !s.closed;
    s.closed = true;
    if (s.record == null) {
      return;
    }
    Map<String, AgentSession> fleetSessions = sessions.get(s.fleet());
    if (fleetSessions != null && fleetSessions.get(s.id()) == s) {
      fleetSessions.remove(s.id());
      s.record = s.record.withConnected(false);
      store.putRunner(s.record);
      if (wasOpen) {
        log.info("runner={} fleet={} disconnected: {}", s.id(), s.fleet(), why);
      }
      step(s.fleet());
    }
  }

  private void drop(AgentSession s, Status status) {
    s.fail(status);
    closed(s, status.getDescription());
  }

  // ---- fleets ----------------------------------------------------------------------------

  /** Periodic work: leadership, stalled streams, every fleet's rollout and watches. */
  void tick() {
    long now = now();
    try {
      leader = store.lead(instance, lease);
    } catch (StoreException e) {
      if (leader) {
        log.error("lost the leadership: {}", e.getMessage());
      }
      leader = false;
    }
    for (AgentSession s : List.copyOf(awaitingHello)) {
      if (now - s.openedMs > timeoutMs) {
        s.fail(Status.DEADLINE_EXCEEDED.withDescription("no Hello within " + timeoutMs + " ms"));
        awaitingHello.remove(s);
      }
    }
    for (Map<String, AgentSession> m : List.copyOf(sessions.values())) {
      for (AgentSession s : List.copyOf(m.values())) {
        if (now - s.lastSeenMs > timeoutMs) {
          log.warn("runner={} fleet={} sent nothing for {} ms: offline, closing its stream",
              s.id(), s.fleet(), now - s.lastSeenMs);
          drop(s, Status.UNAVAILABLE.withDescription("no heartbeat for " + (now - s.lastSeenMs)
              + " ms (the limit is " + timeoutMs + " ms); reconnect"));
        }
      }
    }
    Set<String> fleets = new TreeSet<>(tokens.fleets());
    for (Watch w : watches) {
      fleets.add(w.fleet);
    }
    for (String f : fleets) {
      step(f);
    }
  }

  /** Advances the fleet's rollout (when leading), sends what local runners lack, updates watches. */
  void step(String fleet) {
    FleetRecord f;
    List<RunnerRecord> runners = store.runners(fleet);
    if (leader) {
      long now = now();
      f = store.updateFleet(fleet, cur -> RolloutEngine.advance(cur, runners, now, timeoutMs));
    } else {
      f = store.fleet(fleet).orElse(FleetRecord.empty(fleet));
    }
    Map<String, AgentSession> local = sessions.getOrDefault(fleet, Map.of());
    boolean refused = false;
    for (AgentSession s : List.copyOf(local.values())) {
      refused |= dispatch(s, f);
    }
    if (refused && leader) {
      List<RunnerRecord> again = store.runners(fleet);
      long now = now();
      f = store.updateFleet(fleet, cur -> RolloutEngine.advance(cur, again, now, timeoutMs));
      for (AgentSession s : List.copyOf(local.values())) {
        dispatch(s, f);
      }
      notifyWatches(f, again);
    } else {
      notifyWatches(f, runners);
    }
  }

  /** Sends the runner the version it should serve, if it lacks it; true if it cannot read it. */
  private boolean dispatch(AgentSession s, FleetRecord f) {
    if (s.closed) {
      return false;
    }
    String want = f.versionFor(s.id());
    if (want.isEmpty() || want.equals(s.serving)) {
      return false;
    }
    if (s.nonce != null && want.equals(s.sentVersion)) {
      return false;
    }
    String rolloutId = f.rollout() == null ? "" : f.rollout().id();
    if (want.equals(s.refused) && rolloutId.equals(s.refusedRollout)) {
      return false;
    }
    Optional<RunnerPlan> plan = store.plan(f.name(), want);
    if (plan.isEmpty()) {
      log.error("fleet={} should serve version={} but the store has no such plan", f.name(),
          PlanDigest.shortVersion(want));
      return false;
    }
    if (plan.get().getFormat() > s.maxFormat) {
      s.nonce = null;
      refuse(s, want, "this runner reads plan formats up to " + s.maxFormat + "; version "
          + PlanDigest.shortVersion(want) + " is format " + plan.get().getFormat()
          + " (upgrade the runner)");
      log.warn("runner={} fleet={} cannot read version={} (format {} > {})", s.id(), f.name(),
          PlanDigest.shortVersion(want), plan.get().getFormat(), s.maxFormat);
      return true;
    }
    send(s, plan.get(), false);
    return false;
  }

  private void send(AgentSession s, RunnerPlan plan, boolean full) {
    byte[] n = new byte[12];
    random.nextBytes(n);
    s.nonce = HexFormat.of().formatHex(n);
    s.sentVersion = plan.getVersion();
    PlanUpdate.Builder u = PlanUpdate.newBuilder().setNonce(s.nonce).setVersion(plan.getVersion());
    Optional<RunnerPlan> base = full || s.serving.isEmpty() ? Optional.empty()
        : store.plan(s.fleet(), s.serving);
    if (base.isPresent()) {
      u.setDelta(PlanDeltas.diff(base.get(), plan));
    } else {
      u.setPlan(plan);
    }
    log.info("runner={} fleet={} sent version={} as {}", s.id(), s.fleet(),
        PlanDigest.shortVersion(plan.getVersion()), base.isPresent() ? "delta" : "full plan");
    s.send(u.build());
  }

  private void notifyWatches(FleetRecord f, List<RunnerRecord> runners) {
    for (Watch w : List.copyOf(watches)) {
      if (!w.fleet.equals(f.name()) || w.done) {
        continue;
      }
      RolloutRecord r = f.rollout();
      if (r == null || !r.id().equals(w.rolloutId)) {
        finish(w, Status.ABORTED.withDescription("the rollout was superseded by another one "
            + "(see status)"));
        continue;
      }
      RolloutEvent e = Events.event(f, r, runners, now(), timeoutMs);
      if (!e.equals(w.last)) {
        w.last = e;
        if (w.out.isCancelled()) {
          w.done = true;
          watches.remove(w);
          continue;
        }
        w.out.onNext(e);
      }
      if (r.state().terminal()) {
        finish(w, null);
      }
    }
  }

  private void finish(Watch w, @Nullable Status error) {
    w.done = true;
    watches.remove(w);
    if (w.out.isCancelled()) {
      return;
    }
    if (error == null) {
      w.out.onCompleted();
    } else {
      w.out.onError(error.asRuntimeException());
    }
  }

  /** Starts streaming the fleet's rollout {@code rolloutId} to {@code out}. */
  void watch(String fleet, String rolloutId, ServerCallStreamObserver<RolloutEvent> out) {
    watches.add(new Watch(fleet, rolloutId, out));
    step(fleet);
  }

  /** The ids of the runners connected here (tests). */
  int connected(String fleet) {
    return sessions.getOrDefault(fleet, Map.of()).size();
  }

  /** Closes every agent stream (the server is stopping). */
  void closeAll(Status status) {
    for (Map<String, AgentSession> m : List.copyOf(sessions.values())) {
      for (AgentSession s : List.copyOf(m.values())) {
        s.fail(status);
      }
    }
    for (Watch w : List.copyOf(watches)) {
      finish(w, status);
    }
  }

  String newId() {
    byte[] b = new byte[8];
    random.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  static String cut(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max) + "...";
  }
}
