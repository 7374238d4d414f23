package dev.capmesh.runner.service;

import java.util.concurrent.CompletionStage;

/**
 * Anything that answers HTTP requests inside the runner: a worker, a network or external
 * service, a disk directory. Sockets dispatch to one; service bindings hold one. Implementations
 * are thread-safe and never block the calling thread.
 */
public interface HttpService {

  /**
   * Handles one request. The returned stage fails only for transport-level problems; HTTP errors
   * are ordinary responses.
   */
  CompletionStage<ServiceResponse> fetch(ServiceRequest request);
}
