package dev.capmesh.runner;

import dev.capmesh.runner.js.JsWorker;
import dev.capmesh.runner.service.HttpService;
import dev.capmesh.runner.service.ServiceRequest;
import dev.capmesh.runner.service.ServiceResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * Everything one version of a config runs: its services by name and what each socket serves.
 * Requests are counted so that a generation replaced by {@code --watch} is closed only once
 * its in-flight requests have finished. Thread-safe.
 */
final class Generation {
  final String version;
  final Map<String, HttpService> services;
  final Map<String, HttpService> socketTargets;
  private final List<JsWorker> workers;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicBoolean retired = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();

  Generation(String version, Map<String, HttpService> services,
      Map<String, HttpService> socketTargets, List<JsWorker> workers) {
    this.version = version;
    this.services = Map.copyOf(services);
    this.socketTargets = Map.copyOf(socketTargets);
    this.workers = List.copyOf(workers);
  }

  /**
   * Serves one request on socket {@code socket}, counting it as in flight until it completes;
   * returns null if this generation closed meanwhile (the caller retries with the current one).
   */
  @Nullable CompletionStage<ServiceResponse> serve(String socket, ServiceRequest request) {
    inFlight.incrementAndGet();
    if (closed.get()) {
      inFlight.decrementAndGet();
      return null;
    }
    HttpService target = socketTargets.get(socket);
    if (target == null) {
      done();
      return CompletableFuture.completedFuture(ServiceResponse.text(503,
          "socket " + socket + " has no service in this version of the config\n"));
    }
    CompletionStage<ServiceResponse> result;
    try {
      result = target.fetch(request);
    } catch (RuntimeException e) {
      done();
      throw e;
    }
    return result.whenComplete((r, e) -> done());
  }

  private void done() {
    if (inFlight.decrementAndGet() == 0 && retired.get()) {
      close();
    }
  }

  /** Marks this generation replaced; it closes as soon as nothing is in flight. */
  void retire() {
    retired.set(true);
    if (inFlight.get() == 0) {
      close();
    }
  }

  int inFlight() {
    return inFlight.get();
  }

  void close() {
    if (closed.compareAndSet(false, true)) {
      for (JsWorker w : workers) {
        w.close();
      }
    }
  }
}
