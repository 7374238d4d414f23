package dev.capmesh.runner.egress;

import static java.util.Objects.requireNonNull;

import dev.capmesh.runner.http.NettyTransport;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** The production {@link Connector}: a Netty bootstrap on the runner's transport. Thread-safe. */
public final class NettyConnector implements Connector {
  private final NettyTransport transport;
  private final int connectTimeoutMillis;

  /** Connects through {@code transport}, giving up after {@code connectTimeout}. */
  public NettyConnector(NettyTransport transport, Duration connectTimeout) {
    this.transport = requireNonNull(transport, "transport");
    long ms = connectTimeout.toMillis();
    if (ms <= 0 || ms > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("connectTimeout: " + connectTimeout + " (expected: > 0)");
    }
    this.connectTimeoutMillis = (int) ms;
  }

  @Override public CompletionStage<Channel> connect(InetSocketAddress address, ChannelHandler handler) {
    requireNonNull(address, "address");
    if (address.isUnresolved()) {
      throw new IllegalArgumentException("address: " + address + " (expected: resolved)");
    }
    var result = new CompletableFuture<Channel>();
    new Bootstrap()
        .group(transport.group())
        .channel(transport.channel())
        .option(ChannelOption.AUTO_READ, false)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeoutMillis)
        .option(ChannelOption.TCP_NODELAY, true)
        .handler(handler)
        .connect(address)
        .addListener(f -> {
          if (f.isSuccess()) {
            result.complete(((io.netty.channel.ChannelFuture) f).channel());
          } else {
            result.completeExceptionally(f.cause());
          }
        });
    return result;
  }
}
