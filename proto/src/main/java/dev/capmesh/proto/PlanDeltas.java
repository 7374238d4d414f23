package dev.capmesh.proto;

import static java.util.Objects.requireNonNull;

import dev.capmesh.proto.v1.PlanDelta;
import dev.capmesh.proto.v1.RunnerPlan;
import dev.capmesh.proto.v1.Service;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;

/**
 * What changed between two sealed plans, and the plan rebuilt from a base and a delta. A delta
 * carries only the services whose hash changed (or that are new), the names of removed ones,
 * the whole socket list and the target's service order, so a one-worker change sends one
 * worker. Stateless.
 */
public final class PlanDeltas {
  private PlanDeltas() {}

  /** The delta that turns {@code base} into {@code target}; both must be sealed. */
  public static PlanDelta diff(RunnerPlan base, RunnerPlan target) {
    requireNonNull(base, "base");
    requireNonNull(target, "target");
    Map<String, String> baseHashes = new HashMap<>();
    for (Service s : base.getServicesList()) {
      baseHashes.put(s.getName(), s.getHash());
    }
    PlanDelta.Builder d = PlanDelta.newBuilder()
        .setBaseVersion(base.getVersion())
        .setSource(target.getSource())
        .setFormat(target.getFormat())
        .addAllSockets(target.getSocketsList());
    var targetNames = new HashSet<String>();
    for (Service s : target.getServicesList()) {
      targetNames.add(s.getName());
      d.addOrder(s.getName());
      if (!s.getHash().equals(baseHashes.get(s.getName()))) {
        d.addUpserted(s);
      }
    }
    for (Service s : base.getServicesList()) {
      if (!targetNames.contains(s.getName())) {
        d.addRemoved(s.getName());
      }
    }
    return d.build();
  }

  /**
   * The plan {@code delta} describes, built on {@code base}, sealed and checked against
   * {@code expectedVersion}.
   *
   * @throws IllegalArgumentException if {@code base} is not the delta's base, a service is
   *     missing, or the result's version is not {@code expectedVersion}
   */
  public static RunnerPlan apply(RunnerPlan base, PlanDelta delta, String expectedVersion) {
    requireNonNull(base, "base");
    requireNonNull(delta, "delta");
    if (!base.getVersion().equals(delta.getBaseVersion())) {
      throw new IllegalArgumentException("the delta is based on version "
          + PlanDigest.shortVersion(delta.getBaseVersion()) + ", but this runner serves "
          + (base.getVersion().isEmpty() ? "nothing" : PlanDigest.shortVersion(base.getVersion())));
    }
    Map<String, Service> byName = new HashMap<>();
    for (Service s : base.getServicesList()) {
      byName.put(s.getName(), s);
    }
    for (String removed : delta.getRemovedList()) {
      byName.remove(removed);
    }
    for (Service s : delta.getUpsertedList()) {
      byName.put(s.getName(), s);
    }
    RunnerPlan.Builder b = RunnerPlan.newBuilder()
        .setFormat(delta.getFormat())
        .setSource(delta.getSource())
        .addAllSockets(delta.getSocketsList());
    for (String name : delta.getOrderList()) {
      Service s = byName.get(name);
      if (s == null) {
        throw new IllegalArgumentException("the delta lists service \"" + name
            + "\" but neither it nor the base plan has it");
      }
      b.addServices(s);
    }
    RunnerPlan plan = PlanDigest.seal(b.build());
    if (!plan.getVersion().equals(expectedVersion)) {
      throw new IllegalArgumentException("the plan rebuilt from the delta is version "
          + PlanDigest.shortVersion(plan.getVersion()) + ", not the announced "
          + PlanDigest.shortVersion(expectedVersion));
    }
    return plan;
  }
}
