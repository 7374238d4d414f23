package dev.capmesh.controlplane.store;

import static java.util.Objects.requireNonNull;

/**
 * One version pushed to (or rolled back to on) a fleet.
 *
 * @param version the plan version
 * @param pushedMs when, Unix ms
 * @param configName where the plan came from (for people)
 * @param outcome {@code in-progress}, {@code completed}, {@code rolled-back} or
 *     {@code rollback} (an operator's or the engine's return to this version)
 */
public record HistoryRecord(String version, long pushedMs, String configName, String outcome) {
  /** Checks that no field is null. */
  public HistoryRecord {
    requireNonNull(version, "version");
    configName = configName == null ? "" : configName;
    requireNonNull(outcome, "outcome");
  }

  /** This entry with another outcome. */
  public HistoryRecord withOutcome(String o) {
    return new HistoryRecord(version, pushedMs, configName, o);
  }
}
