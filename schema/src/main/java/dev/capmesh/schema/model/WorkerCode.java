package dev.capmesh.schema.model;

import java.util.List;

/** Where a worker's code comes from: workerd's unnamed union in {@code Worker}. */
public sealed interface WorkerCode {

  /** ES modules (or other module kinds); the first is the main module. */
  record Modules(List<Module> modules) implements WorkerCode {
    public Modules {
      modules = Checks.list(modules, "modules");
    }
  }

  /** One classic service-worker script. */
  record ServiceWorkerScript(String script) implements WorkerCode {
    public ServiceWorkerScript {
      Checks.nonNull(script, "script");
    }
  }

  /**
   * Code and settings come from another worker.
   *
   * @param parent a service name or a top-level {@code Worker} constant name
   */
  record Inherit(String parent) implements WorkerCode {
    public Inherit {
      Checks.nonNull(parent, "parent");
    }
  }
}
