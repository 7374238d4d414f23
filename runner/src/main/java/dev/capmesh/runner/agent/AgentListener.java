package dev.capmesh.runner.agent;

import dev.capmesh.proto.v1.PlanUpdate;
import dev.capmesh.proto.v1.RunnerPlan;

/**
 * What a {@link ControlPlaneSource} reports besides its log, for a CLI or a test to show. Every
 * method has a no-op default. {@link #started} is called on the thread calling
 * {@code start}, the others on the agent's own thread, one call at a time; an implementation
 * must not block.
 */
public interface AgentListener {
  /**
   * The persisted plan was looked at: {@code servedVersion} is the version now served from the
   * data directory, or empty when there was none (or it was unusable or failed to apply).
   */
  default void started(String servedVersion) {}

  /** The connection to the control plane changed; {@code message} says how, for a person. */
  default void connection(String message) {}

  /**
   * An update arrived from the control plane, before it is checked or applied (for measuring
   * what a push costs: {@code update.getSerializedSize()} is the bytes on the wire, before
   * transport framing).
   */
  default void received(PlanUpdate update) {}

  /** {@code plan} from the control plane now serves (and is persisted). */
  default void applied(RunnerPlan plan) {}

  /** The agent NACKed {@code version}; {@code error} is the text sent with the NACK. */
  default void refused(String version, String error) {}
}
