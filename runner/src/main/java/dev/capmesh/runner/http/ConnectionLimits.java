package dev.capmesh.runner.http;

import static java.util.Objects.requireNonNull;

import java.lang.management.ManagementFactory;
import java.time.Duration;

/**
 * How long an {@link HttpServer} waits for a client, and how many connections it keeps open.
 *
 * @param headerTimeout the longest a request's header block may take to arrive, counted from the
 *     moment the connection is accepted (first request) or from the first byte of a later request
 *     on a keep-alive connection; the connection is then closed without a response. Bytes
 *     trickling in do not extend it (slowloris)
 * @param bodyTimeout the longest the server waits for the next bytes of a request body once the
 *     service has asked for them; then 408 and the connection closes (or just the close, when the
 *     response has started). Time the service spends not reading does not count: that is the
 *     server's own backpressure, not a stalled client
 * @param idleTimeout the longest a keep-alive connection may wait, between a response and the
 *     first byte of the next request, before the server closes it
 * @param maxConnections open connections the server keeps at most; beyond it a new connection
 *     gets a 503 with {@code Connection: close} and is closed without its request being read
 * @param maxConnectionsPerIp open connections one client address keeps at most (IPv4: one
 *     address; IPv6: one /64 prefix), refused the same way
 */
public record ConnectionLimits(Duration headerTimeout, Duration bodyTimeout, Duration idleTimeout,
    int maxConnections, int maxConnectionsPerIp) {

  /** The default {@link #headerTimeout}. */
  public static final Duration DEFAULT_HEADER_TIMEOUT = Duration.ofSeconds(30);
  /** The default {@link #bodyTimeout}. */
  public static final Duration DEFAULT_BODY_TIMEOUT = Duration.ofSeconds(30);
  /** The default {@link #idleTimeout}. */
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);
  /** The default {@link #maxConnections} where the process may open enough files. */
  public static final int DEFAULT_MAX_CONNECTIONS = 10_000;
  /** The default {@link #maxConnectionsPerIp} where {@link #maxConnections} allows it. */
  public static final int DEFAULT_MAX_CONNECTIONS_PER_IP = 1_000;

  public ConnectionLimits {
    positive("headerTimeout", headerTimeout);
    positive("bodyTimeout", bodyTimeout);
    positive("idleTimeout", idleTimeout);
    if (maxConnections < 1) {
      throw new IllegalArgumentException("maxConnections: " + maxConnections + " (expected: >= 1)");
    }
    if (maxConnectionsPerIp < 1) {
      throw new IllegalArgumentException(
          "maxConnectionsPerIp: " + maxConnectionsPerIp + " (expected: >= 1)");
    }
  }

  /**
   * Defaults: header and body timeouts 30 s, idle timeout 60 s; at most 10,000 connections, or
   * three quarters of the process's open-file limit if that is lower (the rest stay free for
   * outbound connections, files and the JVM); at most 1,000 per client address, or half of the
   * total if that is lower, so that one client cannot take every connection.
   */
  public static ConnectionLimits defaults() {
    int total = DEFAULT_MAX_CONNECTIONS;
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
      long files = unix.getMaxFileDescriptorCount();
      if (files > 0) {
        total = (int) Math.max(16, Math.min(total, files * 3 / 4));
      }
    }
    return new ConnectionLimits(DEFAULT_HEADER_TIMEOUT, DEFAULT_BODY_TIMEOUT, DEFAULT_IDLE_TIMEOUT,
        total, Math.min(DEFAULT_MAX_CONNECTIONS_PER_IP, Math.max(1, total / 2)));
  }

  /** The same limits with this header timeout. */
  public ConnectionLimits withHeaderTimeout(Duration timeout) {
    return new ConnectionLimits(timeout, bodyTimeout, idleTimeout, maxConnections, maxConnectionsPerIp);
  }

  /** The same limits with this body timeout. */
  public ConnectionLimits withBodyTimeout(Duration timeout) {
    return new ConnectionLimits(headerTimeout, timeout, idleTimeout, maxConnections, maxConnectionsPerIp);
  }

  /** The same limits with this idle timeout. */
  public ConnectionLimits withIdleTimeout(Duration timeout) {
    return new ConnectionLimits(headerTimeout, bodyTimeout, timeout, maxConnections, maxConnectionsPerIp);
  }

  /** The same limits with this total connection cap. */
  public ConnectionLimits withMaxConnections(int max) {
    return new ConnectionLimits(headerTimeout, bodyTimeout, idleTimeout, max, maxConnectionsPerIp);
  }

  /** The same limits with this per-address connection cap. */
  public ConnectionLimits withMaxConnectionsPerIp(int max) {
    return new ConnectionLimits(headerTimeout, bodyTimeout, idleTimeout, maxConnections, max);
  }

  private static void positive(String name, Duration d) {
    requireNonNull(d, name);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + ": " + d + " (expected: > 0)");
    }
  }
}
