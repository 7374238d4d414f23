package dev.capmesh.runner.http;

import static java.util.Objects.requireNonNull;

import dev.capmesh.runner.observe.SocketLimit;
import dev.capmesh.runner.observe.SocketMeter;
import dev.capmesh.runner.service.HttpService;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * An HTTP/1.1 server that hands every request to one {@link HttpService}: keep-alive, chunked
 * bodies both ways, bodies streamed with backpressure (the socket is read only as fast as the
 * service pulls the request body; the response body is pulled only while the socket is
 * writable), size limits (431 for headers, 414 for the request line, 413 for bodies), 400 and a
 * closed connection for malformed input, an {@code x-request-id} on every response and one access
 * log line per request; header, body and keep-alive timeouts and caps on open connections, in total
 * and per client address ({@link ConnectionLimits}). With a TLS context ({@link Builder#tls}) it
 * serves https: the handshake runs before the request is read, within the header timeout and at
 * most {@link Builder#tlsHandshakeTimeout}; the context can be replaced while serving ({@link
 * #tls(SslContext)}), e.g. when a certificate is renewed, and applies to connections accepted from
 * then on.
 *
 * <p>Create with {@link #builder()}, then {@link #start()}; {@link #close()} drains. Thread-safe.
 */
public final class HttpServer implements AutoCloseable {
  /**
   * The logger of the one-line-per-request access log. The runner's log setup ({@link dev.capmesh.runner.observe.LogSetup}) keeps it off
   * unless {@code capmesh.access.level} or {@code serve --access-log} turns it on.
   */
  public static final String ACCESS_LOGGER = "dev.capmesh.runner.http.access";

  /** The default redactor: keeps the path and hides the query string, where tokens tend to live. */
  public static final Function<String, String> REDACT_QUERY = target -> {
    int q = target.indexOf('?');
    return q < 0 ? target : target.substring(0, q) + "?<redacted>";
  };

  /** The settings, copied from the builder at {@link Builder#build()}: later setters do not reach it. */
  final ServerConfig config;
  private final @Nullable NettyTransport ownTransport;
  private final NettyTransport transport;
  final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
  final AtomicInteger inFlight = new AtomicInteger();
  private final ConnectionCaps caps;
  /** The TLS context for connections accepted from now on; null: plain http. */
  private final AtomicReference<@Nullable SslContext> tls;
  volatile boolean draining;
  private @Nullable Channel serverChannel;

  /** An immutable copy of a {@link Builder}'s settings. */
  record ServerConfig(InetSocketAddress bind, HttpService service, @Nullable NettyTransport transport,
      int ioThreads, int maxHeaderSize, int maxRequestLineLength, long maxBodySize,
      Duration drainTimeout, ConnectionLimits limits, Function<String, String> redactor,
      Supplier<String> requestIds, @Nullable SslContext tls, Duration tlsHandshakeTimeout,
      SocketMeter meter, boolean accessLog) {}

  private HttpServer(ServerConfig config) {
    this.config = config;
    this.tls = new AtomicReference<>(config.tls());
    this.caps = new ConnectionCaps(config.limits().maxConnections(),
        config.limits().maxConnectionsPerIp());
    if (config.transport() != null) {
      this.transport = config.transport();
      this.ownTransport = null;
    } else {
      this.ownTransport = NettyTransport.create(config.ioThreads(), "http-" + config.bind().getPort());
      this.transport = ownTransport;
    }
  }

  /** Starts a builder. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Binds and starts accepting.
   *
   * @return the bound address (the real port when port 0 was asked for)
   */
  public synchronized InetSocketAddress start() {
    if (serverChannel != null) {
      throw new IllegalStateException("already started");
    }
    var decoder = new HttpDecoderConfig()
        .setMaxInitialLineLength(config.maxRequestLineLength())
        .setMaxHeaderSize(config.maxHeaderSize())
        .setMaxChunkSize(64 * 1024);
    var bootstrap = new ServerBootstrap()
        .group(transport.group())
        .channel(transport.serverChannel())
        .option(ChannelOption.SO_BACKLOG, 1024)
        .childOption(ChannelOption.AUTO_READ, false)
        .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
        // TCP_NODELAY: every Netty socket channel config (epoll, NIO) turns it on when it is
        // created; setting it again here would cost each new connection one more setsockopt.
        .childHandler(new ChannelInitializer<>() {
          @Override protected void initChannel(Channel ch) {
            var key = ConnectionCaps.Key.of(ch.remoteAddress());
            SslContext context = tls.get();
            if (!caps.tryAcquire(key)) {
              config.meter().limitHit(SocketLimit.CONNECTIONS);
              if (context != null) {
                caps.refuseByClosing(ch);
              } else {
                caps.refuse(ch);
              }
              return;
            }
            ch.closeFuture().addListener(f -> caps.release(key));
            if (context != null) {
              SslHandler handler = context.newHandler(ch.alloc());
              handler.setHandshakeTimeoutMillis(config.tlsHandshakeTimeout().toMillis());
              ch.pipeline().addLast("tls", handler);
            }
            var connection = new ServerConnection(HttpServer.this, context != null);
            ch.pipeline().addLast("arrival", connection.arrivalWatch());
            ch.pipeline().addLast("codec", new HttpServerCodec(decoder));
            ch.pipeline().addLast("handler", connection);
          }
        });
    try {
      serverChannel = bootstrap.bind(config.bind()).sync().channel();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while binding " + config.bind(), e);
    }
    return (InetSocketAddress) serverChannel.localAddress();
  }

  /**
   * Replaces the TLS context for connections accepted from now on (connections already open keep
   * theirs). Switching between null and a context switches the socket between http and https.
   */
  public void tls(@Nullable SslContext context) {
    tls.set(context);
  }

  /** Whether connections accepted now are served over TLS. */
  public boolean secure() {
    return tls.get() != null;
  }

  /** Requests currently being handled (for tests and metrics). */
  public int inFlight() {
    return inFlight.get();
  }

  /** Connections currently open and counted against the caps (for tests and metrics). */
  public int openConnections() {
    return caps.open();
  }

  /** Connections refused so far because a cap was reached (for tests and metrics). */
  public long refusedConnections() {
    return caps.refused();
  }

  /**
   * Drains: stops accepting, closes idle keep-alive connections, lets in-flight requests finish
   * for up to the drain timeout, then closes whatever is left. Blocks; call it from outside the
   * event loops.
   */
  @Override public synchronized void close() {
    draining = true;
    if (serverChannel != null) {
      serverChannel.close().awaitUninterruptibly();
    }
    for (Channel ch : connections) {
      ch.eventLoop().execute(() -> {
        var handler = ch.pipeline().get(ServerConnection.class);
        if (handler != null) {
          handler.closeIfIdle();
        }
      });
    }
    long deadline = System.nanoTime() + config.drainTimeout().toNanos();
    while (inFlight.get() > 0 && System.nanoTime() < deadline) {
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    connections.close().awaitUninterruptibly();
    if (ownTransport != null) {
      ownTransport.close();
    }
  }

  /**
   * Settings for an {@link HttpServer}. Not thread-safe; {@link #build()} copies the settings, so
   * one builder may build several servers.
   */
  public static final class Builder {
    InetSocketAddress bind = new InetSocketAddress("127.0.0.1", 0);
    @Nullable HttpService service;
    @Nullable NettyTransport transport;
    int ioThreads = 0;
    int maxHeaderSize = 16 * 1024;
    int maxRequestLineLength = 8 * 1024;
    long maxBodySize = 100L * 1024 * 1024;
    Duration drainTimeout = Duration.ofSeconds(10);
    ConnectionLimits limits = ConnectionLimits.defaults();
    Function<String, String> redactor = REDACT_QUERY;
    Supplier<String> requestIds = () -> HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
    @Nullable SslContext tls;
    Duration tlsHandshakeTimeout = Duration.ofSeconds(10);
    SocketMeter meter = SocketMeter.NONE;
    boolean accessLog = true;

    private Builder() {}

    /** Where to listen (default 127.0.0.1, port 0). */
    public Builder bind(InetSocketAddress address) {
      this.bind = requireNonNull(address, "address");
      return this;
    }

    /** The service every request goes to (required). */
    public Builder service(HttpService service) {
      this.service = requireNonNull(service, "service");
      return this;
    }

    /** A shared transport; without one the server starts (and on close stops) its own. */
    public Builder transport(NettyTransport transport) {
      this.transport = requireNonNull(transport, "transport");
      return this;
    }

    /** Event loops of the server's own transport (0 = Netty's default). */
    public Builder ioThreads(int threads) {
      checkArgument(threads >= 0, "ioThreads: %s (expected: >= 0)", threads);
      this.ioThreads = threads;
      return this;
    }

    /** Largest header block in bytes; larger gets 431 (default 16 KiB). */
    public Builder maxHeaderSize(int bytes) {
      checkArgument(bytes >= 256, "maxHeaderSize: %s (expected: >= 256)", bytes);
      this.maxHeaderSize = bytes;
      return this;
    }

    /** Longest request line in bytes; longer gets 414 (default 8 KiB). */
    public Builder maxRequestLineLength(int bytes) {
      checkArgument(bytes >= 64, "maxRequestLineLength: %s (expected: >= 64)", bytes);
      this.maxRequestLineLength = bytes;
      return this;
    }

    /** Largest request body, declared or streamed; larger gets 413 (default 100 MiB). */
    public Builder maxBodySize(long bytes) {
      checkArgument(bytes >= 0, "maxBodySize: %s (expected: >= 0)", bytes);
      this.maxBodySize = bytes;
      return this;
    }

    /** How long {@link #close()} waits for in-flight requests (default 10 s). */
    public Builder drainTimeout(Duration timeout) {
      checkArgument(!timeout.isNegative(), "drainTimeout: %s (expected: >= 0)", timeout);
      this.drainTimeout = timeout;
      return this;
    }

    /** Timeouts and connection caps, all at once (default {@link ConnectionLimits#defaults()}). */
    public Builder connectionLimits(ConnectionLimits limits) {
      this.limits = requireNonNull(limits, "limits");
      return this;
    }

    /** See {@link ConnectionLimits#headerTimeout()} (default 30 s). */
    public Builder headerTimeout(Duration timeout) {
      this.limits = limits.withHeaderTimeout(timeout);
      return this;
    }

    /** See {@link ConnectionLimits#bodyTimeout()} (default 30 s). */
    public Builder bodyTimeout(Duration timeout) {
      this.limits = limits.withBodyTimeout(timeout);
      return this;
    }

    /** See {@link ConnectionLimits#idleTimeout()} (default 60 s). */
    public Builder idleTimeout(Duration timeout) {
      this.limits = limits.withIdleTimeout(timeout);
      return this;
    }

    /** See {@link ConnectionLimits#maxConnections()}. */
    public Builder maxConnections(int max) {
      this.limits = limits.withMaxConnections(max);
      return this;
    }

    /** See {@link ConnectionLimits#maxConnectionsPerIp()}. */
    public Builder maxConnectionsPerIp(int max) {
      this.limits = limits.withMaxConnectionsPerIp(max);
      return this;
    }

    /** Serves https with this server context (default: none, plain http). */
    public Builder tls(@Nullable SslContext context) {
      this.tls = context;
      return this;
    }

    /**
     * The longest a TLS handshake may take (default 10 s); the header timeout, which starts
     * when the connection is accepted, bounds it too.
     */
    public Builder tlsHandshakeTimeout(Duration timeout) {
      checkArgument(!timeout.isNegative() && !timeout.isZero(), "tlsHandshakeTimeout: %s (expected: > 0)", timeout);
      this.tlsHandshakeTimeout = timeout;
      return this;
    }

    /** Rewrites the request target before it is logged, so secrets never reach the log. */
    public Builder redactor(Function<String, String> redactor) {
      this.redactor = requireNonNull(redactor, "redactor");
      return this;
    }

    /** Where request ids come from (default: 16 random hex digits). */
    public Builder requestIds(Supplier<String> ids) {
      this.requestIds = requireNonNull(ids, "ids");
      return this;
    }

    /** Where every exchange and every limit enforced is counted (default: nowhere). */
    public Builder meter(SocketMeter meter) {
      this.meter = requireNonNull(meter, "meter");
      return this;
    }

    /** Whether each request gets an access log line (default true). */
    public Builder accessLog(boolean enabled) {
      this.accessLog = enabled;
      return this;
    }

    /**
     * Builds the server from a copy of the settings made now; call {@link HttpServer#start()}
     * next. Changing this builder afterwards does not affect the server.
     */
    public HttpServer build() {
      HttpService s = service;
      if (s == null) {
        throw new IllegalStateException("service: null (expected: set with service(...))");
      }
      return new HttpServer(new ServerConfig(bind, s, transport, ioThreads, maxHeaderSize,
          maxRequestLineLength, maxBodySize, drainTimeout, limits, redactor, requestIds, tls,
          tlsHandshakeTimeout, meter, accessLog));
    }

    private static void checkArgument(boolean ok, String format, Object value) {
      if (!ok) {
        throw new IllegalArgumentException(String.format(format, value));
      }
    }
  }
}
