package dev.capmesh.runner.js;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * Per-worker limits.
 *
 * @param cpuPerRequest CPU time one request (or RPC call) may use in its context, measured as
 *     thread CPU time of the tasks run on its behalf; over it, the context is closed
 * @param subrequests how many fetch/RPC calls one request may make
 * @param maxBodyBytes the largest body a worker may buffer with {@code text()}, {@code json()},
 *     {@code arrayBuffer()} or {@code bytes()}; streamed bodies are not limited
 * @param coldStartCpu the CPU time allowed instead of {@code cpuPerRequest} to each of the first
 *     {@code coldStartRequests} requests a freshly loaded worker starts: its code is parsed on
 *     first use and runs in the interpreter until the JIT has compiled it, which can cost several
 *     times what the same request costs once warm. Never below {@code cpuPerRequest}.
 * @param coldStartRequests how many requests (and RPC calls) of a freshly loaded worker get the
 *     cold-start allowance; 0 turns it off. The allowance is per load of the worker's code (a
 *     context replacing one that was stopped shares the already compiled code), so a worker that
 *     spins on every request gets it at most this many times.
 */
public record JsLimits(Duration cpuPerRequest, int subrequests, long maxBodyBytes,
    Duration coldStartCpu, int coldStartRequests) {

  /** The default cold-start allowance and how many requests get it. */
  public static final Duration DEFAULT_COLD_START_CPU = Duration.ofSeconds(1);
  public static final int DEFAULT_COLD_START_REQUESTS = 8;

  public JsLimits {
    requireNonNull(cpuPerRequest, "cpuPerRequest");
    requireNonNull(coldStartCpu, "coldStartCpu");
    if (cpuPerRequest.isNegative() || cpuPerRequest.isZero()) {
      throw new IllegalArgumentException("cpuPerRequest: " + cpuPerRequest + " (expected: > 0)");
    }
    if (subrequests < 0) {
      throw new IllegalArgumentException("subrequests: " + subrequests + " (expected: >= 0)");
    }
    if (maxBodyBytes <= 0) {
      throw new IllegalArgumentException("maxBodyBytes: " + maxBodyBytes + " (expected: > 0)");
    }
    if (coldStartRequests < 0) {
      throw new IllegalArgumentException("coldStartRequests: " + coldStartRequests + " (expected: >= 0)");
    }
    if (coldStartCpu.compareTo(cpuPerRequest) < 0) {
      coldStartCpu = cpuPerRequest;
    }
  }

  /** These limits with the default cold-start allowance (1 s for the first 8 requests). */
  public JsLimits(Duration cpuPerRequest, int subrequests, long maxBodyBytes) {
    this(cpuPerRequest, subrequests, maxBodyBytes, DEFAULT_COLD_START_CPU, DEFAULT_COLD_START_REQUESTS);
  }

  /** 200 ms CPU per request (1 s for a worker's first 8), 50 subrequests, 32 MiB buffered bodies. */
  public static JsLimits defaults() {
    return new JsLimits(Duration.ofMillis(200), 50, 32L << 20);
  }

  /** The same limits with another CPU time per request. */
  public JsLimits withCpuPerRequest(Duration cpu) {
    return new JsLimits(cpu, subrequests, maxBodyBytes, coldStartCpu, coldStartRequests);
  }

  /** The same limits with another subrequest limit. */
  public JsLimits withSubrequests(int count) {
    return new JsLimits(cpuPerRequest, count, maxBodyBytes, coldStartCpu, coldStartRequests);
  }

  /** The same limits with another cold-start allowance. */
  public JsLimits withColdStart(Duration cpu, int requests) {
    return new JsLimits(cpuPerRequest, subrequests, maxBodyBytes, cpu, requests);
  }
}
