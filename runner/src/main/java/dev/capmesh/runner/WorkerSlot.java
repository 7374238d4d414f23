package dev.capmesh.runner;

import dev.capmesh.runner.js.JsWorker;
import dev.capmesh.runner.js.WorkerRef;
import dev.capmesh.runner.service.ServiceRequest;
import dev.capmesh.runner.service.ServiceResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;

/**
 * What a service binding to a worker holds: the runner's one slot for that worker service,
 * pointed at the worker of the plan being served. A caller built for one plan stays valid when
 * the worker it calls is rebuilt for the next, so a change to one worker rebuilds that worker
 * alone. A request in flight across a swap calls the new worker. Thread-safe.
 */
final class WorkerSlot implements WorkerRef {
  private final String name;
  private volatile @Nullable JsWorker worker;

  WorkerSlot(String name) {
    this.name = name;
  }

  void point(JsWorker w) {
    worker = w;
  }

  @Override public @Nullable JsWorker worker() {
    return worker;
  }

  @Override public String name() {
    return name;
  }

  @Override public CompletionStage<ServiceResponse> fetch(ServiceRequest request) {
    JsWorker w = worker;
    if (w == null) {
      return CompletableFuture.completedFuture(ServiceResponse.text(503, "service " + name + " is not ready\n"));
    }
    return w.fetch(request);
  }
}
