package dev.capmesh.runner.observe;

import static java.util.Objects.requireNonNull;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * What the metrics need to know about the plan a runner serves: names only, all of them from
 * the config (so every label made from them has a bounded set of values).
 *
 * @param version the plan's version (its content hash)
 * @param sockets what each socket serves: socket name to service name
 * @param workers each worker service's binding names
 */
public record PlanSummary(String version, Map<String, String> sockets,
    Map<String, Set<String>> workers) {

  public PlanSummary {
    requireNonNull(version, "version");
    sockets = Map.copyOf(sockets);
    var copy = new HashMap<String, Set<String>>();
    workers.forEach((worker, bindings) -> copy.put(worker, Set.copyOf(bindings)));
    workers = Map.copyOf(copy);
  }
}
