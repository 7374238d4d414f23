package dev.capmesh.schema.model;

import java.util.List;
import java.util.Optional;

/**
 * A worker: its code, compatibility settings and the capabilities it is given.
 *
 * <p>Before resolution {@link #code()} may be {@link WorkerCode.Inherit}; after resolution every
 * worker a service runs has real code and the effective bindings and outbound of its chain.
 *
 * @param code modules, a service-worker script, or the worker it inherits from
 * @param compatibilityDate {@code YYYY-MM-DD}; empty when inherited or not given
 * @param compatibilityFlags feature flags
 * @param bindings what {@code env} holds, in declaration order
 * @param globalOutbound where {@code fetch()} of an arbitrary URL goes; empty means nowhere
 * @param cacheApiOutbound where the Cache API goes, if anywhere
 * @param durableObjectNamespaces the Durable Object classes this worker exports
 * @param durableObjectUniqueKeyModifier mixed into unique keys, if set
 * @param durableObjectStorage {@code none}, {@code inMemory} or {@code localDisk:SERVICE}
 * @param moduleFallback address of a module fallback service, if set
 * @param tails services receiving this worker's trace events
 * @param streamingTails services receiving streamed trace events
 * @param unsupportedFields names of other workerd fields that were set (containerEngine,
 *     workflowsEngine, ...): they compile, and the runner refuses them by name
 */
public record Worker(
    WorkerCode code,
    Optional<String> compatibilityDate,
    List<String> compatibilityFlags,
    List<Binding> bindings,
    Optional<ServiceDesignator> globalOutbound,
    Optional<ServiceDesignator> cacheApiOutbound,
    List<DurableObjectNamespace> durableObjectNamespaces,
    Optional<String> durableObjectUniqueKeyModifier,
    String durableObjectStorage,
    Optional<String> moduleFallback,
    List<ServiceDesignator> tails,
    List<ServiceDesignator> streamingTails,
    List<String> unsupportedFields) {

  public Worker {
    Checks.nonNull(code, "code");
    Checks.opt(compatibilityDate, "compatibilityDate");
    compatibilityFlags = Checks.list(compatibilityFlags, "compatibilityFlags");
    bindings = Checks.list(bindings, "bindings");
    Checks.opt(globalOutbound, "globalOutbound");
    Checks.opt(cacheApiOutbound, "cacheApiOutbound");
    durableObjectNamespaces = Checks.list(durableObjectNamespaces, "durableObjectNamespaces");
    Checks.opt(durableObjectUniqueKeyModifier, "durableObjectUniqueKeyModifier");
    Checks.nonNull(durableObjectStorage, "durableObjectStorage");
    Checks.opt(moduleFallback, "moduleFallback");
    tails = Checks.list(tails, "tails");
    streamingTails = Checks.list(streamingTails, "streamingTails");
    unsupportedFields = Checks.list(unsupportedFields, "unsupportedFields");
  }

  /** A minimal ES-module worker, mostly for tests. */
  public static Worker ofModules(List<Module> modules, String compatibilityDate,
      List<Binding> bindings) {
    return new Worker(new WorkerCode.Modules(modules), Optional.of(compatibilityDate), List.of(),
        bindings, Optional.empty(), Optional.empty(), List.of(), Optional.empty(), "none",
        Optional.empty(), List.of(), List.of(), List.of());
  }

  /** The binding called {@code name}. */
  public Optional<Binding> binding(String name) {
    return bindings.stream().filter(b -> b.name().equals(name)).findFirst();
  }

  /** Whether this worker still names a parent instead of having code. */
  public boolean isDerived() {
    return code instanceof WorkerCode.Inherit;
  }

  /**
   * A Durable Object class exported by the worker.
   *
   * @param className the exported class
   * @param uniqueKey the namespace's unique key; empty for {@code ephemeralLocal}
   * @param preventEviction whether instances stay in memory
   * @param enableSql whether the SQL storage API is enabled
   */
  public record DurableObjectNamespace(String className, Optional<String> uniqueKey,
      boolean preventEviction, boolean enableSql) {
    public DurableObjectNamespace {
      Checks.nonNull(className, "className");
      Checks.opt(uniqueKey, "uniqueKey");
    }
  }
}
