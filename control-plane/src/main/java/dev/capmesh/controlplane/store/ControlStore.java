package dev.capmesh.controlplane.store;

import dev.capmesh.proto.v1.RunnerPlan;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Where a control plane keeps plans, fleets, the runner registry and rollout state, so that a
 * restarted process (or another instance sharing the store) continues where it was.
 * Implementations: {@link FileStore} (a data directory, one process) and {@link RedisStore}
 * (shared by several instances, one of them leading). Every method may throw
 * {@link StoreException}. Thread-safe.
 */
public interface ControlStore extends AutoCloseable {
  /** Stores a sealed plan under its version for {@code fleet} (idempotent). */
  void putPlan(String fleet, RunnerPlan plan);

  /** The plan of {@code fleet} with {@code version}, checked against its hash, if stored. */
  Optional<RunnerPlan> plan(String fleet, String version);

  /** The fleet's record, if anything was ever stored for it. */
  Optional<FleetRecord> fleet(String name);

  /**
   * Atomically replaces the fleet's record (an empty one if none) with {@code change} applied
   * to it; {@code change} may run more than once when another instance wrote concurrently.
   * Returns what was stored.
   */
  FleetRecord updateFleet(String name, UnaryOperator<FleetRecord> change);

  /** The names of every fleet with a record. */
  List<String> fleetNames();

  /** Stores a runner's record (replacing the previous one of that id and fleet). */
  void putRunner(RunnerRecord runner);

  /** Every runner record of {@code fleet}. */
  List<RunnerRecord> runners(String fleet);

  /**
   * Takes or renews the leadership for {@code lease}: true if {@code instance} leads now. The
   * leader alone advances rollouts. A store for one process always returns true.
   */
  boolean lead(String instance, Duration lease);

  /** Gives up the leadership if {@code instance} holds it. */
  void resign(String instance);

  /** Where the store is, for log lines (never a password). */
  String describe();

  @Override
  void close();
}
