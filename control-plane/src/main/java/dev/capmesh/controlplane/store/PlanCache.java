package dev.capmesh.controlplane.store;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.capmesh.proto.PlanDigest;
import dev.capmesh.proto.v1.RunnerPlan;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * The plans a store has read or written, by fleet and version, and the one way every store
 * reads a stored plan back: parse, verify its content hashes, check it is the version asked
 * for. Plans are immutable (their version is their content), so the cache never goes stale.
 * Thread-safe.
 */
final class PlanCache {
  /** Reads a stored plan's bytes; null when there is none. */
  @FunctionalInterface
  interface Loader {
    byte @Nullable [] load();
  }

  private final Map<String, RunnerPlan> plans = new ConcurrentHashMap<>();

  void put(String fleet, RunnerPlan plan) {
    plans.put(fleet + "/" + plan.getVersion(), plan);
  }

  /**
   * The plan {@code version} of {@code fleet}: cached, else loaded.
   *
   * @param where what holds it, for messages ("store file /x/y.plan")
   * @param remedy what the operator can do when it is damaged
   * @throws StoreException if the stored bytes are not that plan
   */
  Optional<RunnerPlan> get(String fleet, String version, String where, String remedy, Loader loader) {
    if (Names.fleetProblem(fleet) != null || !Names.isVersion(version)) {
      return Optional.empty();
    }
    RunnerPlan cached = plans.get(fleet + "/" + version);
    if (cached != null) {
      return Optional.of(cached);
    }
    byte[] bytes = loader.load();
    if (bytes == null) {
      return Optional.empty();
    }
    RunnerPlan plan;
    try {
      plan = RunnerPlan.parseFrom(bytes);
      PlanDigest.verify(plan);
    } catch (InvalidProtocolBufferException | IllegalArgumentException e) {
      throw new StoreException(where + " is damaged and cannot be read (" + e.getMessage() + "); "
          + remedy, e);
    }
    if (!plan.getVersion().equals(version)) {
      throw new StoreException(where + " is damaged: it holds version "
          + PlanDigest.shortVersion(plan.getVersion()));
    }
    put(fleet, plan);
    return Optional.of(plan);
  }
}
