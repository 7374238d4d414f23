package dev.capmesh.runner.js;

import static java.util.Objects.requireNonNull;

import java.util.HashSet;
import java.util.List;

/** The code of one worker: ES modules, or one script in service-worker syntax. */
public sealed interface WorkerCode {

  /**
   * A worker in ES module syntax. The first module is the main one; it must be an
   * {@link WorkerModule.Kind#ES_MODULE} or a {@link WorkerModule.Kind#COMMON_JS} module (whose
   * {@code module.exports} is then the default export, and so the default handlers).
   */
  record Modules(List<WorkerModule> modules) implements WorkerCode {
    public Modules {
      modules = List.copyOf(modules);
      if (modules.isEmpty() || (modules.get(0).kind() != WorkerModule.Kind.ES_MODULE
          && modules.get(0).kind() != WorkerModule.Kind.COMMON_JS)) {
        throw new IllegalArgumentException("modules: " + modules
            + " (expected: the first module is an ES module or a CommonJS module)");
      }
      var names = new HashSet<String>();
      for (WorkerModule m : modules) {
        if (!names.add(m.name())) {
          throw new IllegalArgumentException("modules: duplicate name " + m.name()
              + " (expected: unique module names)");
        }
      }
    }
  }

  /** A classic script that calls {@code addEventListener('fetch', ...)}; bindings are globals. */
  record ServiceWorkerScript(String name, String source) implements WorkerCode {
    public ServiceWorkerScript {
      requireNonNull(name, "name");
      requireNonNull(source, "source");
    }
  }

  /** ES modules; the first is the main module. */
  static WorkerCode modules(WorkerModule... modules) {
    return new Modules(List.of(modules));
  }

  /** A service-worker script. */
  static WorkerCode serviceWorker(String name, String source) {
    return new ServiceWorkerScript(name, source);
  }
}
