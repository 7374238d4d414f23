package dev.capmesh.runner.egress;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletionStage;

/**
 * The only thing in the runner that opens outbound TCP connections. Callers hand it an address
 * that has already been resolved and checked, so the connection goes to exactly the address that
 * was judged (no second DNS lookup, no rebinding). Tests install a connector that refuses
 * anything but loopback. Thread-safe.
 */
@FunctionalInterface
public interface Connector {

  /**
   * Connects to {@code address} with auto-read off and {@code handler} installed as the channel's
   * pipeline initializer. The stage completes with the connected channel.
   */
  CompletionStage<Channel> connect(InetSocketAddress address, ChannelHandler handler);
}
