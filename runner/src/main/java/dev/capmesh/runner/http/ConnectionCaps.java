package dev.capmesh.runner.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.ReferenceCountUtil;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts a server's open connections, in total and per client address, and refuses the ones
 * over a cap: a fixed 503 with {@code Connection: close} is written without reading the request,
 * the write side is shut, and the connection is closed when the client closes or after a short
 * linger (closing with unread input would make the kernel send a reset, which can destroy the
 * 503 before the client reads it). During a flood, when many refused connections linger
 * already, the refusal is a bare close. Thread-safe.
 */
final class ConnectionCaps {
  private static final Logger LOG = LoggerFactory.getLogger(ConnectionCaps.class);
  private static final byte[] REFUSAL = ("HTTP/1.1 503 Service Unavailable\r\n"
      + "content-type: text/plain; charset=utf-8\r\n"
      + "content-length: 21\r\n"
      + "retry-after: 1\r\n"
      + "connection: close\r\n\r\n"
      + "too many connections\n").getBytes(StandardCharsets.US_ASCII);
  private static final long LINGER_MILLIS = 1000;
  /** Refused connections allowed to linger at once; beyond, refusals are a bare close. */
  private static final int MAX_LINGERING = 256;
  private static final long WARN_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

  private final int maxTotal;
  private final int maxPerAddress;
  private final AtomicInteger total = new AtomicInteger();
  private final ConcurrentHashMap<Key, Integer> perAddress = new ConcurrentHashMap<>();
  private final AtomicLong refused = new AtomicLong();
  private final AtomicInteger lingering = new AtomicInteger();
  private final AtomicLong lastWarning = new AtomicLong(System.nanoTime() - WARN_INTERVAL_NANOS);

  ConnectionCaps(int maxTotal, int maxPerAddress) {
    this.maxTotal = maxTotal;
    this.maxPerAddress = maxPerAddress;
  }

  /** A client address as counted: IPv4 exactly, IPv6 by its /64 prefix. */
  record Key(byte[] bytes) {
    static Key of(SocketAddress remote) {
      if (!(remote instanceof InetSocketAddress inet) || inet.getAddress() == null) {
        return new Key(new byte[0]);
      }
      InetAddress address = inet.getAddress();
      byte[] b = address.getAddress();
      if (address instanceof Inet4Address) {
        return new Key(b);
      }
      if (isV4Mapped(b)) {
        return new Key(Arrays.copyOfRange(b, 12, 16));
      }
      return new Key(Arrays.copyOf(b, 8));
    }

    private static boolean isV4Mapped(byte[] b) {
      for (int i = 0; i < 10; i++) {
        if (b[i] != 0) {
          return false;
        }
      }
      return b[10] == (byte) 0xff && b[11] == (byte) 0xff;
    }

    @Override public boolean equals(Object o) {
      return o instanceof Key k && Arrays.equals(bytes, k.bytes);
    }

    @Override public int hashCode() {
      return Arrays.hashCode(bytes);
    }

    @Override public String toString() {
      return Arrays.toString(bytes);
    }
  }

  /**
   * Counts a newly accepted connection; returns false, counting nothing, if it is over a cap.
   * When it returns true the caller must {@link #release} the key once the connection closes.
   */
  boolean tryAcquire(Key key) {
    if (total.incrementAndGet() > maxTotal) {
      total.decrementAndGet();
      return false;
    }
    boolean[] ok = {false};
    perAddress.compute(key, (k, n) -> {
      int count = n == null ? 0 : n;
      if (count >= maxPerAddress) {
        return n;
      }
      ok[0] = true;
      return count + 1;
    });
    if (!ok[0]) {
      total.decrementAndGet();
    }
    return ok[0];
  }

  /** Forgets a connection {@link #tryAcquire} counted. */
  void release(Key key) {
    perAddress.computeIfPresent(key, (k, n) -> n <= 1 ? null : n - 1);
    total.decrementAndGet();
  }

  /** Connections counted now. */
  int open() {
    return total.get();
  }

  /** Connections refused so far. */
  long refused() {
    return refused.get();
  }

  /**
   * Closes an over-cap connection of a TLS socket, where a plaintext 503 would mean nothing to
   * the client. Runs on its event loop.
   */
  void refuseByClosing(Channel ch) {
    count(ch);
    ch.close();
  }

  private void count(Channel ch) {
    long n = refused.incrementAndGet();
    long now = System.nanoTime();
    long last = lastWarning.get();
    if (now - last >= WARN_INTERVAL_NANOS && lastWarning.compareAndSet(last, now)) {
      LOG.warn("connections refused over the cap max_connections={} max_connections_per_ip={} "
          + "refused_total={} remote={}", maxTotal, maxPerAddress, n, ch.remoteAddress());
    }
  }

  /** Answers an over-cap connection with the fixed 503 and closes it. Runs on its event loop. */
  void refuse(Channel ch) {
    count(ch);
    if (lingering.incrementAndGet() > MAX_LINGERING) {
      // A flood: answering costs a file descriptor for the linger; just close.
      lingering.decrementAndGet();
      ch.close();
      return;
    }
    ch.closeFuture().addListener(f -> lingering.decrementAndGet());
    ch.pipeline().addLast("refused", new ChannelInboundHandlerAdapter() {
      @Override public void channelActive(ChannelHandlerContext ctx) {
        ctx.writeAndFlush(Unpooled.wrappedBuffer(REFUSAL)).addListener(f -> {
          if (f.isSuccess() && ch instanceof DuplexChannel duplex) {
            duplex.shutdownOutput();
          } else {
            ctx.close();
          }
        });
        var linger = ctx.executor().schedule(() -> {
          ctx.close();
        }, LINGER_MILLIS, TimeUnit.MILLISECONDS);
        ch.closeFuture().addListener(f -> linger.cancel(false));
        // Read and drop whatever the client sends: the channel closes itself at the client's
        // EOF (half-closure is off), and closing with nothing unread sends FIN, not a reset.
        ch.config().setOption(ChannelOption.AUTO_READ, true);
      }

      @Override public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ReferenceCountUtil.release(msg);
      }

      @Override public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
      }
    });
  }
}
