package dev.capmesh.controlplane;

import dev.capmesh.controlplane.store.FleetRecord;
import dev.capmesh.controlplane.store.HistoryRecord;
import dev.capmesh.controlplane.store.Names;
import dev.capmesh.controlplane.store.RolloutRecord;
import dev.capmesh.controlplane.store.RolloutState;
import dev.capmesh.controlplane.store.StoreException;
import dev.capmesh.proto.PlanDigest;
import dev.capmesh.proto.v1.AgentMessage;
import dev.capmesh.proto.v1.ControlPlaneGrpc;
import dev.capmesh.proto.v1.HistoryReply;
import dev.capmesh.proto.v1.HistoryRequest;
import dev.capmesh.proto.v1.PlanUpdate;
import dev.capmesh.proto.v1.PushRequest;
import dev.capmesh.proto.v1.RollbackRequest;
import dev.capmesh.proto.v1.RolloutEvent;
import dev.capmesh.proto.v1.RunnerPlan;
import dev.capmesh.proto.v1.StatusReply;
import dev.capmesh.proto.v1.StatusRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The gRPC service: hands every call to the hub's thread. */
final class ControlPlaneService extends ControlPlaneGrpc.ControlPlaneImplBase {
  private static final Logger log = LoggerFactory.getLogger(ControlPlaneService.class);
  static final int DEFAULT_WAVE_SIZE = 10;

  private final Hub hub;
  private final Executor loop;

  ControlPlaneService(Hub hub, Executor loop) {
    this.hub = hub;
    this.loop = loop;
  }

  @Override
  public StreamObserver<AgentMessage> subscribe(StreamObserver<PlanUpdate> responses) {
    var out = (ServerCallStreamObserver<PlanUpdate>) responses;
    var s = new AgentSession(out, AuthInterceptor.TOKEN.get(), AuthInterceptor.PEER.get(), hub.now());
    run(() -> hub.opened(s));
    out.setOnCancelHandler(() -> run(() -> hub.closed(s, "the agent went away")));
    return new StreamObserver<>() {
      @Override
      public void onNext(AgentMessage m) {
        run(() -> hub.onMessage(s, m));
      }

      @Override
      public void onError(Throwable t) {
        run(() -> hub.closed(s, Status.fromThrowable(t).toString()));
      }

      @Override
      public void onCompleted() {
        run(() -> {
          hub.closed(s, "the agent ended its stream");
          s.complete();
        });
      }
    };
  }

  private void run(Runnable r) {
    try {
      loop.execute(() -> {
        try {
          r.run();
        } catch (StoreException e) {
          log.error("store failure: {}", e.getMessage());
        }
      });
    } catch (RejectedExecutionException e) {
      // The server is stopping: the stream is being closed anyway.
    }
  }

  /** Runs {@code r} on the hub's thread, failing {@code out} with what went wrong. */
  private void call(StreamObserver<?> out, Runnable r) {
    loop.execute(() -> {
      try {
        r.run();
      } catch (StatusRuntimeException e) {
        out.onError(e);
      } catch (StoreException e) {
        log.error("store failure: {}", e.getMessage());
        out.onError(Status.INTERNAL.withDescription("control-plane store: " + e.getMessage())
            .asRuntimeException());
      } catch (RuntimeException e) {
        log.error("operator call failed", e);
        out.onError(Status.INTERNAL.withDescription(e.toString()).asRuntimeException());
      }
    });
  }

  private static StatusRuntimeException error(Status s, String message) {
    return s.withDescription(message).asRuntimeException();
  }

  private void checkFleet(String fleet) {
    String p = Names.fleetProblem(fleet);
    if (p != null) {
      throw error(Status.INVALID_ARGUMENT, p);
    }
    if (!hub.tokens.knows(fleet)) {
      throw error(Status.NOT_FOUND, "fleet \"" + fleet + "\" is not configured on this control "
          + "plane (known fleets are the ones in its --tokens file)");
    }
  }

  @Override
  public void push(PushRequest req, StreamObserver<RolloutEvent> responses) {
    var out = (ServerCallStreamObserver<RolloutEvent>) responses;
    call(out, () -> {
      String fleet = req.getFleet();
      checkFleet(fleet);
      if (!req.hasPlan()) {
        throw error(Status.INVALID_ARGUMENT, "the push carries no plan");
      }
      RunnerPlan plan = req.getPlan();
      try {
        PlanDigest.verify(plan);
      } catch (IllegalArgumentException e) {
        throw error(Status.INVALID_ARGUMENT, e.getMessage());
      }
      if (req.getCanaryPercent() > 100) {
        throw error(Status.INVALID_ARGUMENT, "canary: " + req.getCanaryPercent()
            + " (expected: 0..100 percent)");
      }
      int waveSize = req.getWaveSize() == 0 ? DEFAULT_WAVE_SIZE : req.getWaveSize();
      String v = plan.getVersion();
      FleetRecord cur = hub.store.fleet(fleet).orElse(FleetRecord.empty(fleet));
      if (cur.rolling()) {
        throw busy(cur);
      }
      hub.store.putPlan(fleet, plan);
      String id = hub.newId();
      long now = hub.now();
      if (v.equals(cur.desiredVersion())) {
        out.onNext(RolloutEvent.newBuilder().setRolloutId(id).setFleet(fleet).setVersion(v)
            .setFromVersion(v).setKind("push").setState(RolloutState.COMPLETED.label())
            .setMessage("fleet " + fleet + " already has version " + PlanDigest.shortVersion(v)
                + "; nothing to roll out").build());
        out.onCompleted();
        return;
      }
      var conflict = new AtomicReference<FleetRecord>();
      hub.store.updateFleet(fleet, c -> {
        if (c.rolling()) {
          conflict.set(c);
          return c;
        }
        conflict.set(null);
        var r = new RolloutRecord(id, "push", c.desiredVersion(), v, req.getCanaryPercent(),
            waveSize, req.getMaxNacks(), RolloutState.WAVES, List.of(), Map.of(), "",
            "pushed " + PlanDigest.shortVersion(v), now);
        return c.withRollout(r).withHistory(new HistoryRecord(v, now,
            Hub.cut(req.getConfigName(), 200), "in-progress"));
      });
      if (conflict.get() != null) {
        throw busy(conflict.get());
      }
      log.info("push fleet={} version={} canary={}% waveSize={} maxNacks={} rollout={}", fleet,
          PlanDigest.shortVersion(v), req.getCanaryPercent(), waveSize, req.getMaxNacks(), id);
      hub.watch(fleet, id, out);
    });
  }

  private static StatusRuntimeException busy(FleetRecord f) {
    RolloutRecord r = f.rollout();
    return error(Status.FAILED_PRECONDITION, "a rollout of " + PlanDigest.shortVersion(
        r.targetVersion()) + " to fleet " + f.name() + " is in progress (" + r.state().label()
        + "); wait for it to finish or roll back");
  }

  @Override
  public void rollback(RollbackRequest req, StreamObserver<RolloutEvent> responses) {
    var out = (ServerCallStreamObserver<RolloutEvent>) responses;
    call(out, () -> {
      String fleet = req.getFleet();
      checkFleet(fleet);
      FleetRecord cur = hub.store.fleet(fleet).orElse(null);
      if (cur == null || cur.history().isEmpty()) {
        throw error(Status.FAILED_PRECONDITION, "nothing was pushed to fleet " + fleet + " yet");
      }
      String to = req.getToVersion().isEmpty() ? defaultTarget(cur) : resolve(cur, req.getToVersion());
      if (hub.store.plan(fleet, to).isEmpty()) {
        throw error(Status.NOT_FOUND, "the store has no plan " + PlanDigest.shortVersion(to)
            + " for fleet " + fleet);
      }
      String id = hub.newId();
      long now = hub.now();
      if (!cur.rolling() && to.equals(cur.desiredVersion())) {
        out.onNext(RolloutEvent.newBuilder().setRolloutId(id).setFleet(fleet).setVersion(to)
            .setRollbackVersion(to).setKind("rollback").setState(RolloutState.ROLLED_BACK.label())
            .setMessage("fleet " + fleet + " already has version " + PlanDigest.shortVersion(to))
            .build());
        out.onCompleted();
        return;
      }
      hub.store.updateFleet(fleet, c -> {
        FleetRecord base = c;
        if (c.rolling() && c.rollout().state() == RolloutState.WAVES) {
          base = c.withOutcome(c.rollout().targetVersion(), "rolled-back");
        }
        var r = new RolloutRecord(id, "rollback", c.desiredVersion(), to, 0, 1, 0,
            RolloutState.ROLLING_BACK, List.of(), Map.of(), to,
            "rolling every runner back to " + PlanDigest.shortVersion(to), now);
        return base.withRollout(r).withVersions(to, c.lastGoodVersion())
            .withHistory(new HistoryRecord(to, now, "", "rollback"));
      });
      log.info("rollback fleet={} to version={} rollout={}", fleet, PlanDigest.shortVersion(to), id);
      hub.watch(fleet, id, out);
    });
  }

  /** The last good version, else the newest completed version that the fleet is not on now. */
  private static String defaultTarget(FleetRecord f) {
    String current = f.rolling() ? f.rollout().targetVersion() : f.desiredVersion();
    if (!f.lastGoodVersion().isEmpty() && !f.lastGoodVersion().equals(current)) {
      return f.lastGoodVersion();
    }
    List<HistoryRecord> h = f.history();
    for (int i = h.size() - 1; i >= 0; i--) {
      HistoryRecord e = h.get(i);
      if (!e.version().equals(current)
          && (e.outcome().equals("completed") || e.outcome().equals("rollback"))) {
        return e.version();
      }
    }
    throw error(Status.FAILED_PRECONDITION, "fleet " + f.name() + " has no earlier version that "
        + "rolled out completely; name one with --to VERSION (see history)");
  }

  private static String resolve(FleetRecord f, String prefix) {
    var matches = new TreeSet<String>();
    for (HistoryRecord h : f.history()) {
      if (h.version().startsWith(prefix)) {
        matches.add(h.version());
      }
    }
    if (matches.isEmpty()) {
      throw error(Status.NOT_FOUND, "fleet " + f.name() + " has no version starting with \""
          + Names.printable(prefix) + "\" (see history)");
    }
    if (matches.size() > 1) {
      throw error(Status.INVALID_ARGUMENT, "\"" + Names.printable(prefix) + "\" matches "
          + matches.size() + " versions of fleet " + f.name() + "; give more digits");
    }
    return matches.first();
  }

  @Override
  public void status(StatusRequest req, StreamObserver<StatusReply> out) {
    call(out, () -> {
      var names = new TreeSet<String>(hub.tokens.fleets());
      names.addAll(hub.store.fleetNames());
      if (!req.getFleet().isEmpty()) {
        if (!names.contains(req.getFleet())) {
          checkFleet(req.getFleet());
        }
        names.retainAll(List.of(req.getFleet()));
      }
      StatusReply.Builder b = StatusReply.newBuilder();
      long now = hub.now();
      for (String n : names) {
        FleetRecord f = hub.store.fleet(n).orElse(FleetRecord.empty(n));
        b.addFleets(Events.status(f, hub.store.runners(n), now, hub.timeoutMs));
      }
      out.onNext(b.build());
      out.onCompleted();
    });
  }

  @Override
  public void history(HistoryRequest req, StreamObserver<HistoryReply> out) {
    call(out, () -> {
      FleetRecord f = hub.store.fleet(req.getFleet()).orElse(null);
      if (f == null) {
        checkFleet(req.getFleet());
        f = FleetRecord.empty(req.getFleet());
      }
      List<dev.capmesh.proto.v1.HistoryEntry> entries = new ArrayList<>();
      for (HistoryRecord h : f.history()) {
        entries.add(Events.history(h));
      }
      out.onNext(HistoryReply.newBuilder().addAllEntries(entries).build());
      out.onCompleted();
    });
  }
}
