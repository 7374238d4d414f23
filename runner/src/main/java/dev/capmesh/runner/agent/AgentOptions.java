package dev.capmesh.runner.agent;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.regex.Pattern;

/**
 * How an agent reaches its control plane and how patiently.
 *
 * @param host the control plane's host (a name or an IP literal, without brackets)
 * @param port its port
 * @param fleet the fleet this runner belongs to
 * @param runnerId this runner's id, unique within the fleet
 * @param agent free-form description sent in the Hello (shown by {@code control-plane status})
 * @param heartbeatInterval time between heartbeats
 * @param initialBackoff first delay before reconnecting; doubles up to {@code maxBackoff}
 * @param maxBackoff the longest delay between attempts
 * @param keepAliveTime idle time after which the transport pings the control plane (gRPC
 *     raises anything below 10 s to 10 s); a stalled peer is detected within this plus
 *     {@code keepAliveTimeout}
 * @param keepAliveTimeout time a ping may go unanswered before the stream counts as stalled
 * @param stableAfter time a stream must stay open without an error to count as subscribed
 *     (resetting the backoff) when the control plane sends nothing sooner
 */
public record AgentOptions(String host, int port, String fleet, String runnerId, String agent,
    Duration heartbeatInterval, Duration initialBackoff, Duration maxBackoff,
    Duration keepAliveTime, Duration keepAliveTimeout, Duration stableAfter) {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

  public AgentOptions {
    requireNonNull(host, "host");
    if (host.isEmpty()) {
      throw new IllegalArgumentException("host: \"\" (expected: a host name or IP address)");
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port: " + port + " (expected: 1 to 65535)");
    }
    requireNonNull(fleet, "fleet");
    if (!NAME.matcher(fleet).matches()) {
      throw new IllegalArgumentException("fleet: \"" + fleet + "\" (expected: 1 to 64 letters, "
          + "digits, '.', '_' or '-', starting with a letter or digit)");
    }
    PlanStore.checkRunnerId(runnerId);
    requireNonNull(agent, "agent");
    positive(heartbeatInterval, "heartbeatInterval");
    positive(initialBackoff, "initialBackoff");
    positive(maxBackoff, "maxBackoff");
    if (maxBackoff.compareTo(initialBackoff) < 0) {
      throw new IllegalArgumentException("maxBackoff: " + maxBackoff + " (expected: >= initialBackoff "
          + initialBackoff + ")");
    }
    positive(keepAliveTime, "keepAliveTime");
    positive(keepAliveTimeout, "keepAliveTimeout");
    positive(stableAfter, "stableAfter");
  }

  /**
   * Defaults for control plane {@code address} ({@code HOST:PORT}, IPv6 as {@code [::1]:PORT}):
   * heartbeats every 5 s, backoff from 1 s to 30 s, keepalive pings after 20 s idle with a 10 s
   * timeout, subscribed after 2 s without an error.
   */
  public static AgentOptions of(String address, String fleet, String runnerId) {
    requireNonNull(address, "address");
    int colon = address.lastIndexOf(':');
    String host = colon < 0 ? "" : address.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    } else if (host.contains(":")) {
      host = "";
    }
    int port = -1;
    if (colon >= 0 && address.substring(colon + 1).matches("[0-9]{1,5}")) {
      port = Integer.parseInt(address.substring(colon + 1));
    }
    if (host.isEmpty() || port < 1 || port > 65535) {
      throw new IllegalArgumentException("control plane address: \"" + address
          + "\" (expected: HOST:PORT, e.g. 127.0.0.1:7400 or [::1]:7400)");
    }
    return new AgentOptions(host, port, fleet, runnerId, "capmesh runner", Duration.ofSeconds(5),
        Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofSeconds(20),
        Duration.ofSeconds(10), Duration.ofSeconds(2));
  }

  /** {@code host:port}, bracketing an IPv6 literal. */
  public String address() {
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }

  /** The same options with this agent description. */
  public AgentOptions withAgent(String newAgent) {
    return new AgentOptions(host, port, fleet, runnerId, newAgent, heartbeatInterval, initialBackoff,
        maxBackoff, keepAliveTime, keepAliveTimeout, stableAfter);
  }

  /** The same options with this heartbeat interval. */
  public AgentOptions withHeartbeatInterval(Duration interval) {
    return new AgentOptions(host, port, fleet, runnerId, agent, interval, initialBackoff, maxBackoff,
        keepAliveTime, keepAliveTimeout, stableAfter);
  }

  /** The same options with this reconnection backoff. */
  public AgentOptions withBackoff(Duration initial, Duration max) {
    return new AgentOptions(host, port, fleet, runnerId, agent, heartbeatInterval, initial, max,
        keepAliveTime, keepAliveTimeout, stableAfter);
  }

  /** The same options with this keepalive (stall detection). */
  public AgentOptions withKeepAlive(Duration time, Duration timeout) {
    return new AgentOptions(host, port, fleet, runnerId, agent, heartbeatInterval, initialBackoff,
        maxBackoff, time, timeout, stableAfter);
  }

  /** The same options with this time after which an open stream counts as subscribed. */
  public AgentOptions withStableAfter(Duration time) {
    return new AgentOptions(host, port, fleet, runnerId, agent, heartbeatInterval, initialBackoff,
        maxBackoff, keepAliveTime, keepAliveTimeout, time);
  }

  private static void positive(Duration d, String name) {
    requireNonNull(d, name);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + ": " + d + " (expected: > 0)");
    }
  }
}
