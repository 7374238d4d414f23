package dev.capmesh.runner.egress;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * One outbound HTTP/1.1 connection (over TLS or not) that serves one {@link Exchange} at a time
 * and, between exchanges, waits in its {@link ConnectionPool}. The last handler of the channel's
 * pipeline: it hands what arrives to the current exchange, and while idle treats any input or
 * the server's close as the end of the connection. Exchanges run on the channel's event loop;
 * {@link #claim} may be called from any thread.
 */
final class PooledConnection extends ChannelInboundHandlerAdapter {
  private final EgressTarget target;
  private final ConnectionPool pool;
  private final AtomicBoolean parked = new AtomicBoolean();
  private volatile @Nullable Future<?> idleTimer;
  private @Nullable ChannelHandlerContext ctx;
  private @Nullable Exchange current;

  PooledConnection(EgressTarget target, ConnectionPool pool) {
    this.target = target;
    this.pool = pool;
  }

  EgressTarget target() {
    return target;
  }

  Channel channel() {
    return context().channel();
  }

  private ChannelHandlerContext context() {
    var c = ctx;
    if (c == null) {
      throw new IllegalStateException("not in a pipeline yet");
    }
    return c;
  }

  @Override public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  /** Takes the connection out of the idle state; false if someone else already did. */
  boolean claim() {
    if (!parked.compareAndSet(true, false)) {
      return false;
    }
    Future<?> t = idleTimer;
    if (t != null) {
      t.cancel(false);
    }
    return true;
  }

  /** Marks the connection idle, with its eviction timer, and watches for the server's close. */
  void park(Future<?> timer) {
    idleTimer = timer;
    parked.set(true);
    context().read();
  }

  /** Starts {@code exchange} on this connection (on its event loop). */
  void begin(Exchange exchange) {
    var loop = channel().eventLoop();
    if (loop.inEventLoop()) {
      start(exchange);
    } else {
      loop.execute(() -> start(exchange));
    }
  }

  private void start(Exchange exchange) {
    if (!channel().isActive()) {
      exchange.closedBeforeStart();
      return;
    }
    current = exchange;
    exchange.start(this, context());
  }

  /** The exchange wants more input. */
  void read(Exchange exchange) {
    if (current == exchange) {
      context().read();
    }
  }

  /** The exchange ended; keep the connection for the next one if {@code reusable}. */
  void done(Exchange exchange, boolean reusable) {
    if (current != exchange) {
      return;
    }
    current = null;
    if (reusable) {
      pool.offer(this);
    } else {
      context().close();
    }
  }

  /** The exchange gave up (failed or cancelled mid-response): the connection cannot be reused. */
  void abandon(Exchange exchange) {
    if (current == exchange) {
      current = null;
      context().close();
    }
  }

  @Override public void channelRead(ChannelHandlerContext ctx, Object msg) {
    Exchange ex = current;
    if (ex != null) {
      ex.onMessage(msg);
      return;
    }
    ReferenceCountUtil.release(msg);
    // Nothing is expected between exchanges: a server talking now cannot be trusted to frame
    // the next response right.
    pool.evict(this);
    ctx.close();
  }

  @Override public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    Exchange ex = current;
    if (ex != null) {
      ex.writabilityChanged();
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override public void channelInactive(ChannelHandlerContext ctx) {
    Exchange ex = current;
    current = null;
    if (ex != null) {
      ex.onClosed();
    } else {
      pool.evict(this);
    }
  }

  @Override public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    Exchange ex = current;
    if (ex != null) {
      ex.fail(cause);
    } else {
      pool.evict(this);
      ctx.close();
    }
  }
}
