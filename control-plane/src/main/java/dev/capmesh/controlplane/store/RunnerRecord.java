package dev.capmesh.controlplane.store;

import static java.util.Objects.requireNonNull;

/**
 * What the control plane knows about one runner of a fleet, as last reported over its stream.
 * Written only by the control-plane instance holding the runner's stream.
 *
 * @param id the runner id (unique within the fleet)
 * @param fleet the fleet it belongs to
 * @param version the version it serves now (empty: none)
 * @param lastSeenMs when it last sent anything (Hello, ACK, NACK, heartbeat), Unix ms
 * @param connected whether a stream is open for it
 * @param instance the control-plane instance holding its stream
 * @param nackedVersion the version it last refused (NACK, or a format too new), empty if none
 * @param nackReason why, as the runner reported it
 * @param nackedMs when it refused it, Unix ms (a rollout counts only refusals after its start)
 * @param healthy the health it last reported
 * @param healthDetail why not healthy
 * @param maxPlanFormat the newest plan format it reads
 * @param agent the agent's free-form description
 */
public record RunnerRecord(String id, String fleet, String version, long lastSeenMs,
    boolean connected, String instance, String nackedVersion, String nackReason, long nackedMs, boolean healthy,
    String healthDetail, int maxPlanFormat, String agent) {
  /** Checks that no field is null. */
  public RunnerRecord {
    requireNonNull(id, "id");
    requireNonNull(fleet, "fleet");
    version = version == null ? "" : version;
    instance = instance == null ? "" : instance;
    nackedVersion = nackedVersion == null ? "" : nackedVersion;
    nackReason = nackReason == null ? "" : nackReason;
    healthDetail = healthDetail == null ? "" : healthDetail;
    agent = agent == null ? "" : agent;
  }

  /** Whether it counts as online at {@code nowMs}: connected and heard from recently. */
  public boolean online(long nowMs, long timeoutMs) {
    return connected && nowMs - lastSeenMs <= timeoutMs;
  }

  /** This record serving {@code v}. */
  public RunnerRecord withVersion(String v) {
    return new RunnerRecord(id, fleet, v, lastSeenMs, connected, instance, nackedVersion,
        nackReason, nackedMs, healthy, healthDetail, maxPlanFormat, agent);
  }

  /** This record last heard from at {@code ms}. */
  public RunnerRecord seen(long ms) {
    return new RunnerRecord(id, fleet, version, ms, connected, instance, nackedVersion,
        nackReason, nackedMs, healthy, healthDetail, maxPlanFormat, agent);
  }

  /** This record with its stream open or closed. */
  public RunnerRecord withConnected(boolean c) {
    return new RunnerRecord(id, fleet, version, lastSeenMs, c, instance, nackedVersion,
        nackReason, nackedMs, healthy, healthDetail, maxPlanFormat, agent);
  }

  /** This record having refused {@code v} at {@code ms} because of {@code reason} (empty v: clears it). */
  public RunnerRecord withNack(String v, String reason, long ms) {
    return new RunnerRecord(id, fleet, version, lastSeenMs, connected, instance, v, reason, ms,
        healthy, healthDetail, maxPlanFormat, agent);
  }

  /** This record with the health it reported. */
  public RunnerRecord withHealth(boolean h, String detail) {
    return new RunnerRecord(id, fleet, version, lastSeenMs, connected, instance, nackedVersion,
        nackReason, nackedMs, h, detail, maxPlanFormat, agent);
  }
}
