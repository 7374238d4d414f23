package dev.capmesh.runner;

import static java.util.Objects.requireNonNull;

import dev.capmesh.runner.http.ConnectionLimits;
import dev.capmesh.runner.js.JsLimits;
import dev.capmesh.runner.observe.BindingListener;
import dev.capmesh.runner.observe.RunnerObserver;
import java.nio.file.Path;
import java.util.Map;

/**
 * How a {@link Runner} runs a config.
 *
 * @param baseDirectory directory that relative paths in the config (disk services) resolve
 *     against: the config file's directory
 * @param socketAddresses overrides of socket addresses by socket name ({@code --socket-addr})
 * @param limits per-worker limits
 * @param contextsPerWorker the most GraalJS contexts (threads) one worker uses
 * @param maxBodyBytes the largest request body a socket accepts (413 beyond)
 * @param connectionLimits timeouts and connection caps of every socket
 * @param resources data directory, backend timeout, clock and environment of resource bindings
 * @param bindingListener told of every binding use (audit, metrics)
 * @param observer told of requests, CPU time, limits hit and plans (metrics)
 * @param ioThreads the network event-loop threads (sockets, outbound connections); 0: {@link
 *     #defaultIoThreads()}
 */
public record RunnerOptions(Path baseDirectory, Map<String, String> socketAddresses,
    JsLimits limits, int contextsPerWorker, long maxBodyBytes, ConnectionLimits connectionLimits,
    ResourceOptions resources, BindingListener bindingListener, RunnerObserver observer,
    int ioThreads) {

  /** Options with the default number of network threads. */
  public RunnerOptions(Path baseDirectory, Map<String, String> socketAddresses, JsLimits limits,
      int contextsPerWorker, long maxBodyBytes, ConnectionLimits connectionLimits,
      ResourceOptions resources, BindingListener bindingListener, RunnerObserver observer) {
    this(baseDirectory, socketAddresses, limits, contextsPerWorker, maxBodyBytes, connectionLimits,
        resources, bindingListener, observer, 0);
  }

  /** Options observed by nobody. */
  public RunnerOptions(Path baseDirectory, Map<String, String> socketAddresses, JsLimits limits,
      int contextsPerWorker, long maxBodyBytes, ConnectionLimits connectionLimits,
      ResourceOptions resources, BindingListener bindingListener) {
    this(baseDirectory, socketAddresses, limits, contextsPerWorker, maxBodyBytes, connectionLimits,
        resources, bindingListener, RunnerObserver.NONE);
  }

  /** Options whose binding uses go nowhere. */
  public RunnerOptions(Path baseDirectory, Map<String, String> socketAddresses, JsLimits limits,
      int contextsPerWorker, long maxBodyBytes, ConnectionLimits connectionLimits,
      ResourceOptions resources) {
    this(baseDirectory, socketAddresses, limits, contextsPerWorker, maxBodyBytes, connectionLimits,
        resources, BindingListener.NONE);
  }

  /** Options with {@link ResourceOptions#defaults} for {@code baseDirectory}. */
  public RunnerOptions(Path baseDirectory, Map<String, String> socketAddresses, JsLimits limits,
      int contextsPerWorker, long maxBodyBytes, ConnectionLimits connectionLimits) {
    this(baseDirectory, socketAddresses, limits, contextsPerWorker, maxBodyBytes, connectionLimits,
        ResourceOptions.defaults(baseDirectory));
  }

  public RunnerOptions {
    requireNonNull(baseDirectory, "baseDirectory");
    socketAddresses = Map.copyOf(socketAddresses);
    requireNonNull(limits, "limits");
    if (contextsPerWorker < 1) {
      throw new IllegalArgumentException("contextsPerWorker: " + contextsPerWorker + " (expected: >= 1)");
    }
    if (maxBodyBytes < 1) {
      throw new IllegalArgumentException("maxBodyBytes: " + maxBodyBytes + " (expected: >= 1)");
    }
    requireNonNull(connectionLimits, "connectionLimits");
    requireNonNull(resources, "resources");
    requireNonNull(bindingListener, "bindingListener");
    requireNonNull(observer, "observer");
    if (ioThreads < 0) {
      throw new IllegalArgumentException("ioThreads: " + ioThreads + " (expected: >= 0)");
    }
  }

  /**
   * The network threads when none are asked for: half the cores, at least one. A request's
   * JavaScript runs on its worker's own threads, so the network threads need only what is left
   * of the cores; more of them than that compete with the workers for the cores. On two cores,
   * one thread instead of two serves more new TLS connections per second and fewer keep-alive
   * requests (docs/BENCHMARKS.md, "TLS").
   */
  public static int defaultIoThreads() {
    return Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
  }

  /** The network threads to start: {@link #ioThreads} or, when 0, {@link #defaultIoThreads}. */
  public int effectiveIoThreads() {
    return ioThreads > 0 ? ioThreads : defaultIoThreads();
  }

  /** Defaults: JsLimits defaults, 2 contexts per worker, 100 MiB bodies, ConnectionLimits defaults. */
  public static RunnerOptions defaults(Path baseDirectory) {
    return new RunnerOptions(baseDirectory, Map.of(), JsLimits.defaults(), 2, 100L << 20,
        ConnectionLimits.defaults());
  }

  /** The same options with these socket address overrides. */
  public RunnerOptions withSocketAddresses(Map<String, String> overrides) {
    return new RunnerOptions(baseDirectory, overrides, limits, contextsPerWorker, maxBodyBytes,
        connectionLimits, resources, bindingListener, observer, ioThreads);
  }

  /** The same options with these per-worker limits. */
  public RunnerOptions withLimits(JsLimits newLimits) {
    return new RunnerOptions(baseDirectory, socketAddresses, newLimits, contextsPerWorker, maxBodyBytes,
        connectionLimits, resources, bindingListener, observer, ioThreads);
  }

  /** The same options with this largest request body a socket accepts. */
  public RunnerOptions withMaxBodyBytes(long bytes) {
    return new RunnerOptions(baseDirectory, socketAddresses, limits, contextsPerWorker, bytes,
        connectionLimits, resources, bindingListener, observer, ioThreads);
  }

  /** The same options with these socket timeouts and connection caps. */
  public RunnerOptions withConnectionLimits(ConnectionLimits newLimits) {
    return new RunnerOptions(baseDirectory, socketAddresses, limits, contextsPerWorker, maxBodyBytes,
        newLimits, resources, bindingListener, observer, ioThreads);
  }

  /** The same options with these resource options. */
  public RunnerOptions withResources(ResourceOptions newResources) {
    return new RunnerOptions(baseDirectory, socketAddresses, limits, contextsPerWorker, maxBodyBytes,
        connectionLimits, newResources, bindingListener, observer, ioThreads);
  }

  /** The same options telling {@code listener} of every binding use. */
  public RunnerOptions withBindingListener(BindingListener listener) {
    return new RunnerOptions(baseDirectory, socketAddresses, limits, contextsPerWorker, maxBodyBytes,
        connectionLimits, resources, listener, observer, ioThreads);
  }

  /** The same options telling {@code newObserver} of requests, CPU time, limits and plans. */
  public RunnerOptions withObserver(RunnerObserver newObserver) {
    return new RunnerOptions(baseDirectory, socketAddresses, limits, contextsPerWorker, maxBodyBytes,
        connectionLimits, resources, bindingListener, newObserver, ioThreads);
  }

  /** The same options with {@code threads} network threads (0: {@link #defaultIoThreads}). */
  public RunnerOptions withIoThreads(int threads) {
    return new RunnerOptions(baseDirectory, socketAddresses, limits, contextsPerWorker, maxBodyBytes,
        connectionLimits, resources, bindingListener, observer, threads);
  }
}
