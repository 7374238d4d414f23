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
 */
public record JsLimits(Duration cpuPerRequest, int subrequests, long maxBodyBytes) {

  public JsLimits {
    requireNonNull(cpuPerRequest, "cpuPerRequest");
    if (cpuPerRequest.isNegative() || cpuPerRequest.isZero()) {
      throw new IllegalArgumentException("cpuPerRequest: " + cpuPerRequest + " (expected: > 0)");
    }
    if (subrequests < 0) {
      throw new IllegalArgumentException("subrequests: " + subrequests + " (expected: >= 0)");
    }
    if (maxBodyBytes <= 0) {
      throw new IllegalArgumentException("maxBodyBytes: " + maxBodyBytes + " (expected: > 0)");
    }
  }

  /** 200 ms CPU per request, 50 subrequests, 32 MiB buffered bodies. */
  public static JsLimits defaults() {
    return new JsLimits(Duration.ofMillis(200), 50, 32L << 20);
  }
}
