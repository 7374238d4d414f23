package dev.capmesh.controlplane.rollout;

import dev.capmesh.controlplane.store.FleetRecord;
import dev.capmesh.controlplane.store.RolloutRecord;
import dev.capmesh.controlplane.store.RolloutState;
import dev.capmesh.controlplane.store.RunnerRecord;
import dev.capmesh.proto.PlanDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The rollout state machine, as a pure function of a fleet's record and its runners' records:
 * {@link #advance} returns the next record. Only the leading control-plane instance applies it.
 *
 * <p>Waves: the first wave (the canary) is {@code canaryPercent} of the online runners,
 * rounded up, at least one; each later wave is {@code waveSize} online runners not yet in a
 * wave, by runner id. A wave is done when each of its online runners ACKed the target or
 * failed it. A runner fails the target when it NACKs it (after the rollout started), cannot
 * read its format, or reports unhealthy while serving it. More failures than
 * {@code maxNacks} stop the rollout and roll every runner back to the last good version (the
 * last one every online runner had ACKed; if none, the version the rollout started from).
 * When no online runner is left outside the waves, the rollout completes. Runners that connect
 * during a rollout serve the previous version until a wave takes them. Stateless.
 */
public final class RolloutEngine {
  private RolloutEngine() {}

  /** The fleet's record after everything that can happen now has happened. */
  public static FleetRecord advance(FleetRecord fleet, List<RunnerRecord> runners, long nowMs,
      long timeoutMs) {
    FleetRecord cur = fleet;
    for (int i = 0; i < 1000; i++) {
      FleetRecord next = step(cur, runners, nowMs, timeoutMs);
      if (next.equals(cur)) {
        return next;
      }
      cur = next;
    }
    return cur;
  }

  private static FleetRecord step(FleetRecord f, List<RunnerRecord> runners, long now, long timeout) {
    List<RunnerRecord> online = runners.stream().filter(r -> r.online(now, timeout))
        .sorted(Comparator.comparing(RunnerRecord::id)).toList();
    RolloutRecord r = f.rollout();
    if (r == null || r.state().terminal()) {
      // A version every online runner serves is known good (this also covers versions pushed
      // while no runner was connected, once runners have taken them).
      if (!f.desiredVersion().isEmpty() && !online.isEmpty()
          && online.stream().allMatch(x -> x.version().equals(f.desiredVersion()))
          && !f.lastGoodVersion().equals(f.desiredVersion())) {
        return f.withVersions(f.desiredVersion(), f.desiredVersion());
      }
      return f;
    }
    return switch (r.state()) {
      case WAVES -> waves(f, r, runners, online);
      case ROLLING_BACK -> rollingBack(f, r, online);
      case COMPLETED, ROLLED_BACK -> f;
    };
  }

  private static FleetRecord waves(FleetRecord f, RolloutRecord r, List<RunnerRecord> all,
      List<RunnerRecord> online) {
    String target = r.targetVersion();
    Map<String, String> failures = new LinkedHashMap<>(r.failures());
    for (RunnerRecord x : all) {
      if (!r.inWave(x.id()) || failures.containsKey(x.id())) {
        continue;
      }
      if (x.nackedVersion().equals(target) && x.nackedMs() >= r.startedMs()) {
        failures.put(x.id(), x.nackReason().isEmpty() ? "NACK without a reason" : x.nackReason());
      } else if (x.version().equals(target) && !x.healthy() && online.contains(x)) {
        failures.put(x.id(), "unhealthy after applying the version"
            + (x.healthDetail().isEmpty() ? "" : ": " + x.healthDetail()));
      }
    }
    if (failures.size() > r.maxNacks()) {
      String to = f.lastGoodVersion();
      if (to.isEmpty() || to.equals(target)) {
        to = r.fromVersion().equals(target) ? "" : r.fromVersion();
      }
      String msg = failures.size() + (failures.size() == 1 ? " runner" : " runners")
          + " failed version " + PlanDigest.shortVersion(target) + " (more than --max-nacks "
          + r.maxNacks() + "); "
          + (to.isEmpty() ? "no earlier version to roll back to: runners that applied it keep it"
              : "rolling every runner back to " + PlanDigest.shortVersion(to));
      return f.withRollout(r.with(r.waves(), failures).rollingBackTo(to, msg))
          .withVersions(to, f.lastGoodVersion())
          .withOutcome(target, "rolled-back");
    }
    List<String> current = r.waves().isEmpty() ? List.of() : r.waves().get(r.waves().size() - 1);
    boolean pending = online.stream().anyMatch(x -> current.contains(x.id())
        && !x.version().equals(target) && !failures.containsKey(x.id()));
    if (pending) {
      return failures.equals(r.failures()) ? f : f.withRollout(r.with(r.waves(), failures));
    }
    List<String> candidates = online.stream().map(RunnerRecord::id).filter(id -> !r.inWave(id))
        .toList();
    if (candidates.isEmpty()) {
      boolean allGood = failures.isEmpty()
          && online.stream().allMatch(x -> x.version().equals(target));
      String msg = (r.waves().isEmpty() ? "no runner is connected: the fleet's version is now "
          + PlanDigest.shortVersion(target) + "; runners get it when they connect"
          : "every online runner received " + PlanDigest.shortVersion(target))
          + (failures.isEmpty() ? "" : " (" + failures.size() + " failed, within --max-nacks "
              + r.maxNacks() + ")");
      return f.withRollout(r.with(r.waves(), failures).with(RolloutState.COMPLETED, msg))
          .withVersions(target, allGood && !online.isEmpty() ? target : f.lastGoodVersion())
          .withOutcome(target, "completed");
    }
    int n = r.waves().isEmpty()
        ? Math.max(1, (int) Math.ceil(online.size() * r.canaryPercent() / 100.0))
        : r.waveSize();
    List<String> wave = candidates.subList(0, Math.min(n, candidates.size()));
    List<List<String>> waves = new ArrayList<>(r.waves());
    waves.add(wave);
    String msg = (waves.size() == 1 ? "canary wave: " : "wave " + waves.size() + ": ")
        + String.join(", ", wave);
    return f.withRollout(r.with(waves, failures).with(RolloutState.WAVES, msg));
  }

  private static FleetRecord rollingBack(FleetRecord f, RolloutRecord r, List<RunnerRecord> online) {
    String to = r.rollbackVersion();
    boolean pending = !to.isEmpty() && online.stream().anyMatch(x -> !x.version().equals(to)
        && !(x.nackedVersion().equals(to) && x.nackedMs() >= r.startedMs()));
    if (pending) {
      return f;
    }
    String msg = to.isEmpty() ? r.message()
        : "every online runner is back on " + PlanDigest.shortVersion(to);
    return f.withRollout(r.with(RolloutState.ROLLED_BACK, msg));
  }
}
