package dev.capmesh.controlplane;

import dev.capmesh.controlplane.store.FleetRecord;
import dev.capmesh.controlplane.store.HistoryRecord;
import dev.capmesh.controlplane.store.RolloutRecord;
import dev.capmesh.controlplane.store.RolloutState;
import dev.capmesh.controlplane.store.RunnerRecord;
import dev.capmesh.proto.v1.FleetStatus;
import dev.capmesh.proto.v1.HistoryEntry;
import dev.capmesh.proto.v1.RolloutEvent;
import dev.capmesh.proto.v1.RunnerState;
import java.util.List;

/** Operator views (rollout events, fleet status, history) of store records. Stateless. */
final class Events {
  private Events() {}

  static RolloutEvent event(FleetRecord f, RolloutRecord r, List<RunnerRecord> runners, long now,
      long timeout) {
    RolloutEvent.Builder e = RolloutEvent.newBuilder()
        .setRolloutId(r.id())
        .setFleet(f.name())
        .setVersion(r.targetVersion())
        .setFromVersion(r.fromVersion())
        .setRollbackVersion(r.rollbackVersion())
        .setState(r.state().label())
        .setMessage(r.message())
        .setNacks(r.failures().size())
        .setMaxNacks(r.maxNacks())
        .setWave(r.waves().size())
        .setKind(r.kind());
    boolean back = r.state() == RolloutState.ROLLING_BACK
        || (r.state() == RolloutState.ROLLED_BACK);
    for (RunnerRecord x : runners) {
      boolean online = x.online(now, timeout);
      int wave = r.waveOf(x.id());
      if (!online && wave == 0) {
        continue;
      }
      String status;
      String error = "";
      if (back && r.failures().containsKey(x.id())) {
        status = "nacked";
        error = r.failures().get(x.id());
      } else if (back) {
        String to = r.rollbackVersion();
        if (!to.isEmpty() && x.version().equals(to)) {
          status = "acked";
        } else if (!to.isEmpty() && x.nackedVersion().equals(to) && x.nackedMs() >= r.startedMs()) {
          status = "nacked";
          error = x.nackReason();
        } else {
          status = online ? (to.isEmpty() ? "kept" : "pending") : "offline";
        }
      } else if (r.failures().containsKey(x.id())) {
        status = "nacked";
        error = r.failures().get(x.id());
      } else if (wave == 0) {
        status = "waiting";
      } else if (x.version().equals(r.targetVersion())) {
        status = "acked";
      } else {
        status = online ? "pending" : "offline";
      }
      // No heartbeat time here: an event is sent when something changes, not per heartbeat.
      e.addRunners(state(x, now, timeout).toBuilder().setStatus(status).setError(error)
          .setWave(wave).clearLastHeartbeatUnixMs());
    }
    return e.build();
  }

  static RunnerState state(RunnerRecord x, long now, long timeout) {
    boolean online = x.online(now, timeout);
    return RunnerState.newBuilder()
        .setRunnerId(x.id())
        .setVersion(x.version())
        .setStatus(online ? (x.healthy() ? "online" : "unhealthy") : "offline")
        .setError(x.nackReason())
        .setNackedVersion(x.nackedVersion())
        .setLastHeartbeatUnixMs(x.lastSeenMs())
        .setOnline(online)
        .setHealthy(x.healthy())
        .setHealthDetail(x.healthDetail())
        .setAgent(x.agent())
        .build();
  }

  static FleetStatus status(FleetRecord f, List<RunnerRecord> runners, long now, long timeout) {
    FleetStatus.Builder s = FleetStatus.newBuilder()
        .setFleet(f.name())
        .setDesiredVersion(f.desiredVersion())
        .setLastGoodVersion(f.lastGoodVersion());
    for (RunnerRecord x : runners) {
      s.addRunners(state(x, now, timeout));
    }
    if (f.rolling()) {
      s.setRollout(event(f, f.rollout(), runners, now, timeout));
    }
    return s.build();
  }

  static HistoryEntry history(HistoryRecord h) {
    return HistoryEntry.newBuilder().setVersion(h.version()).setPushedUnixMs(h.pushedMs())
        .setConfigName(h.configName()).setOutcome(h.outcome()).build();
  }
}
