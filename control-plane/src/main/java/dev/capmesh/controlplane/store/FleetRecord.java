package dev.capmesh.controlplane.store;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One fleet's desired state: what its runners should serve, the last version they all served,
 * the rollout (in progress or the last one) and the history of pushed versions.
 *
 * @param name the fleet
 * @param desiredVersion what runners serve when no rollout is in progress (empty: nothing yet)
 * @param lastGoodVersion the last version every online runner had ACKed (empty: none yet)
 * @param rollout the rollout in progress, or the last one, or null
 * @param history pushed versions, oldest first
 */
public record FleetRecord(String name, String desiredVersion, String lastGoodVersion,
    @Nullable RolloutRecord rollout, List<HistoryRecord> history) {
  /** Copies the history. */
  public FleetRecord {
    requireNonNull(name, "name");
    desiredVersion = desiredVersion == null ? "" : desiredVersion;
    lastGoodVersion = lastGoodVersion == null ? "" : lastGoodVersion;
    history = history == null ? List.of() : List.copyOf(history);
  }

  /** A fleet nothing was pushed to yet. */
  public static FleetRecord empty(String name) {
    return new FleetRecord(name, "", "", null, List.of());
  }

  /** Whether a rollout is in progress. */
  public boolean rolling() {
    return rollout != null && !rollout.state().terminal();
  }

  /**
   * The version the runner {@code runnerId} should serve now: during waves, the target for
   * runners in a started wave and the previous version for the others; while rolling back, the
   * version restored; otherwise the desired version. Empty: none (nothing to send).
   */
  public String versionFor(String runnerId) {
    RolloutRecord r = rollout;
    if (r == null || r.state().terminal()) {
      return desiredVersion;
    }
    return switch (r.state()) {
      case WAVES -> r.inWave(runnerId) ? r.targetVersion() : r.fromVersion();
      case ROLLING_BACK -> r.rollbackVersion();
      case COMPLETED, ROLLED_BACK -> desiredVersion;
    };
  }

  /** This fleet with {@code r}. */
  public FleetRecord withRollout(@Nullable RolloutRecord r) {
    return new FleetRecord(name, desiredVersion, lastGoodVersion, r, history);
  }

  /** This fleet with other versions. */
  public FleetRecord withVersions(String desired, String lastGood) {
    return new FleetRecord(name, desired, lastGood, rollout, history);
  }

  /** The most history entries kept; older ones are dropped. */
  public static final int MAX_HISTORY = 500;

  /** This fleet with {@code h} appended (and the oldest entries dropped past {@link #MAX_HISTORY}). */
  public FleetRecord withHistory(HistoryRecord h) {
    List<HistoryRecord> l = new ArrayList<>(history);
    l.add(h);
    if (l.size() > MAX_HISTORY) {
      l = new ArrayList<>(l.subList(l.size() - MAX_HISTORY, l.size()));
    }
    return new FleetRecord(name, desiredVersion, lastGoodVersion, rollout, l);
  }

  /** This fleet with the newest history entry for {@code version} set to {@code outcome}. */
  public FleetRecord withOutcome(String version, String outcome) {
    List<HistoryRecord> l = new ArrayList<>(history);
    for (int i = l.size() - 1; i >= 0; i--) {
      if (l.get(i).version().equals(version)) {
        l.set(i, l.get(i).withOutcome(outcome));
        break;
      }
    }
    return new FleetRecord(name, desiredVersion, lastGoodVersion, rollout, l);
  }
}
