package dev.capmesh.runner.egress;

import dev.capmesh.runner.http.NettyTransport;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The connector every egress test installs: it connects to loopback only (127.0.0.0/8, ::1) and
 * fails the test, loudly, if it is ever asked for any other address. It also records every
 * address it was asked for, so tests can assert that a refusal happened before any connection.
 */
public final class LoopbackOnlyConnector implements Connector {
  private final Connector real;
  private final List<InetSocketAddress> asked = new CopyOnWriteArrayList<>();
  private final List<InetSocketAddress> violations = new CopyOnWriteArrayList<>();

  public LoopbackOnlyConnector(NettyTransport transport) {
    this.real = new NettyConnector(transport, Duration.ofSeconds(5));
  }

  @Override public CompletionStage<Channel> connect(InetSocketAddress address, ChannelHandler handler) {
    asked.add(address);
    if (address.isUnresolved() || !address.getAddress().isLoopbackAddress()) {
      violations.add(address);
      throw new AssertionError("test tried to connect outside loopback: " + address);
    }
    return real.connect(address, handler);
  }

  /** Every address a connection was requested for, in order. */
  public List<InetSocketAddress> asked() {
    return List.copyOf(asked);
  }

  /** Requests for non-loopback addresses (must stay empty). */
  public List<InetSocketAddress> violations() {
    return List.copyOf(violations);
  }
}
