package dev.capmesh.runner.js;

import dev.capmesh.runner.service.HttpService;
import org.jspecify.annotations.Nullable;

/**
 * A worker named by a binding, looked up when it is called rather than when the binding is
 * made: the runner points it at the worker of the plan being served, so a caller keeps its
 * contexts when only the worker it calls changes. Fetches go to {@link HttpService#fetch}; JS
 * RPC to {@link #worker()}.
 */
public interface WorkerRef extends HttpService {
  /** The worker serving now, or null before the first plan that has it serves. */
  @Nullable JsWorker worker();

  /** The service's name, for errors. */
  String name();
}
