package dev.capmesh.controlplane.store;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A rollout of one version to a fleet, as persisted so that another control-plane process (a
 * restarted one, or a new leader) continues it exactly where it was.
 *
 * @param id unique per rollout
 * @param kind {@code push} or {@code rollback} (an operator's rollback)
 * @param fromVersion what the fleet was to serve before (runners outside the started waves
 *     keep it)
 * @param targetVersion the version being rolled out
 * @param canaryPercent the first wave's share of the online runners (at least one runner)
 * @param waveSize runners per later wave
 * @param maxNacks how many failed runners are tolerated; one more rolls back
 * @param state where the rollout is
 * @param waves the runner ids of each started wave, in order (first: the canary)
 * @param failures runner id to why it failed the target (NACK text, format, health)
 * @param rollbackVersion while or after rolling back: the version restored (empty: none)
 * @param message a sentence for people about the last transition
 * @param startedMs when it started, Unix ms
 */
public record RolloutRecord(String id, String kind, String fromVersion, String targetVersion,
    int canaryPercent, int waveSize, int maxNacks, RolloutState state, List<List<String>> waves,
    Map<String, String> failures, String rollbackVersion, String message, long startedMs) {
  /** Copies the collections; checks the numbers. */
  public RolloutRecord {
    requireNonNull(id, "id");
    requireNonNull(kind, "kind");
    fromVersion = fromVersion == null ? "" : fromVersion;
    requireNonNull(targetVersion, "targetVersion");
    requireNonNull(state, "state");
    if (canaryPercent < 0 || canaryPercent > 100) {
      throw new IllegalArgumentException("canaryPercent: " + canaryPercent + " (expected: 0..100)");
    }
    if (waveSize < 1) {
      throw new IllegalArgumentException("waveSize: " + waveSize + " (expected: >= 1)");
    }
    if (maxNacks < 0) {
      throw new IllegalArgumentException("maxNacks: " + maxNacks + " (expected: >= 0)");
    }
    List<List<String>> w = new ArrayList<>();
    for (List<String> wave : waves == null ? List.<List<String>>of() : waves) {
      w.add(List.copyOf(wave));
    }
    waves = List.copyOf(w);
    failures = failures == null ? Map.of() : java.util.Collections.unmodifiableMap(
        new LinkedHashMap<>(failures));
    rollbackVersion = rollbackVersion == null ? "" : rollbackVersion;
    message = message == null ? "" : message;
  }

  /** Whether the runner is in a started wave. */
  public boolean inWave(String runnerId) {
    for (List<String> w : waves) {
      if (w.contains(runnerId)) {
        return true;
      }
    }
    return false;
  }

  /** The wave (1-based) the runner is in, 0 if none. */
  public int waveOf(String runnerId) {
    for (int i = 0; i < waves.size(); i++) {
      if (waves.get(i).contains(runnerId)) {
        return i + 1;
      }
    }
    return 0;
  }

  /** This rollout in {@code s} with {@code msg}. */
  public RolloutRecord with(RolloutState s, String msg) {
    return new RolloutRecord(id, kind, fromVersion, targetVersion, canaryPercent, waveSize,
        maxNacks, s, waves, failures, rollbackVersion, msg, startedMs);
  }

  /** This rollout with other waves and failures. */
  public RolloutRecord with(List<List<String>> w, Map<String, String> f) {
    return new RolloutRecord(id, kind, fromVersion, targetVersion, canaryPercent, waveSize,
        maxNacks, state, w, f, rollbackVersion, message, startedMs);
  }

  /** This rollout rolling back to {@code v}. */
  public RolloutRecord rollingBackTo(String v, String msg) {
    return new RolloutRecord(id, kind, fromVersion, targetVersion, canaryPercent, waveSize,
        maxNacks, RolloutState.ROLLING_BACK, waves, failures, v, msg, startedMs);
  }
}
