package dev.capmesh.runner.http;

import static java.util.Objects.requireNonNull;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * An event-loop group together with the matching server and client channel classes: epoll where
 * the native library loads, NIO elsewhere. One per runner, shared by the HTTP server and the
 * egress connector. Thread-safe.
 */
public final class NettyTransport implements AutoCloseable {
  private final EventLoopGroup group;
  private final Class<? extends ServerChannel> serverChannel;
  private final Class<? extends Channel> channel;

  private NettyTransport(EventLoopGroup group, Class<? extends ServerChannel> serverChannel,
      Class<? extends Channel> channel) {
    this.group = group;
    this.serverChannel = serverChannel;
    this.channel = channel;
  }

  /** Starts {@code threads} event loops (0 = Netty's default) named {@code name-N}. */
  public static NettyTransport create(int threads, String name) {
    if (threads < 0) {
      throw new IllegalArgumentException("threads: " + threads + " (expected: >= 0)");
    }
    requireNonNull(name, "name");
    var factory = new DefaultThreadFactory(name, true);
    if (Epoll.isAvailable()) {
      return new NettyTransport(
          new MultiThreadIoEventLoopGroup(threads, factory, EpollIoHandler.newFactory()),
          EpollServerSocketChannel.class, EpollSocketChannel.class);
    }
    return new NettyTransport(
        new MultiThreadIoEventLoopGroup(threads, factory, NioIoHandler.newFactory()),
        NioServerSocketChannel.class, NioSocketChannel.class);
  }

  /** The event loops. */
  public EventLoopGroup group() {
    return group;
  }

  /** The server socket channel class matching {@link #group()}. */
  public Class<? extends ServerChannel> serverChannel() {
    return serverChannel;
  }

  /** The client socket channel class matching {@link #group()}. */
  public Class<? extends Channel> channel() {
    return channel;
  }

  /** Stops the event loops, waiting up to a few seconds. */
  @Override public void close() {
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
  }
}
