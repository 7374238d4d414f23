package dev.capmesh.runner.egress;

import static java.util.Objects.requireNonNull;

import dev.capmesh.runner.service.BodyStreams;
import dev.capmesh.runner.service.ServiceRequest;
import dev.capmesh.runner.service.ServiceResponse;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.ssl.SslHandler;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

/**
 * The HTTP/1.1 client for egress, over plain TCP or TLS: connections opened through the {@link
 * Connector} to an address the caller already checked, request and response bodies streamed with
 * backpressure, no redirects followed, and keep-alive connections reused per {@link
 * EgressTarget} (same address, same TLS context, same verified name).
 *
 * <p>Pooling: a connection goes back to the pool when its request and response both ended and
 * neither side asked to close it; it waits there at most the idle timeout (5 s by default, as
 * workerd's HTTP client), and at most {@link Settings#maxIdlePerTarget} per target and {@link
 * Settings#maxIdle} in all are kept. A request that finds its pooled connection closed by the
 * server before any response byte is sent once more on a new connection, if it is a GET, HEAD or
 * OPTIONS without a body; anything else fails rather than risk running twice.
 *
 * <p>TLS: the handshake completes (certificate, name and validity checked by the target's
 * context) before the request is written, within the handshake timeout. Thread-safe.
 */
public final class EgressClient implements AutoCloseable {
  private final Connector connector;
  private final Settings settings;
  private final ConnectionPool pool;
  private final AtomicLong opened = new AtomicLong();

  /**
   * How an {@link EgressClient} keeps connections.
   *
   * @param maxIdlePerTarget idle connections kept per target
   * @param maxIdle idle connections kept in all
   * @param idleTimeout how long an idle connection is kept
   * @param handshakeTimeout the longest a TLS handshake may take
   * @param maxResponseHeaderSize the largest response header block accepted
   */
  public record Settings(int maxIdlePerTarget, int maxIdle, Duration idleTimeout,
      Duration handshakeTimeout, int maxResponseHeaderSize) {
    public Settings {
      if (maxIdlePerTarget < 0 || maxIdle < 0) {
        throw new IllegalArgumentException("maxIdlePerTarget, maxIdle: " + maxIdlePerTarget + ", "
            + maxIdle + " (expected: >= 0)");
      }
      requireNonNull(idleTimeout, "idleTimeout");
      requireNonNull(handshakeTimeout, "handshakeTimeout");
      if (idleTimeout.isNegative() || idleTimeout.isZero() || handshakeTimeout.isNegative()
          || handshakeTimeout.isZero()) {
        throw new IllegalArgumentException("idleTimeout, handshakeTimeout: " + idleTimeout + ", "
            + handshakeTimeout + " (expected: > 0)");
      }
    }

    /** 32 idle connections per target, 256 in all, 5 s idle, 10 s handshakes, 64 KiB headers. */
    public static Settings defaults() {
      return new Settings(32, 256, Duration.ofSeconds(5), Duration.ofSeconds(10), 64 * 1024);
    }
  }

  /** A client with {@link Settings#defaults()}. */
  public EgressClient(Connector connector) {
    this(connector, Settings.defaults());
  }

  /** A client that opens connections through {@code connector}. */
  public EgressClient(Connector connector, Settings settings) {
    this.connector = requireNonNull(connector, "connector");
    this.settings = requireNonNull(settings, "settings");
    this.pool = new ConnectionPool(settings.maxIdlePerTarget(), settings.maxIdle(), settings.idleTimeout());
  }

  /** {@link #send(EgressTarget, String, String, ServiceRequest)} over plain http. */
  public CompletionStage<ServiceResponse> send(InetSocketAddress target, String hostHeader,
      String pathAndQuery, ServiceRequest request) {
    return send(EgressTarget.plain(target), hostHeader, pathAndQuery, request);
  }

  /**
   * Sends {@code request} to exactly {@code target}, with {@code hostHeader} as the Host header and
   * {@code pathAndQuery} as the request target. The stage completes when response headers arrive
   * (the body streams afterwards); it fails with the connection's or the handshake's error
   * (for a refused certificate, one whose cause chain holds a {@code CertificateRefusedException}).
   */
  public CompletionStage<ServiceResponse> send(EgressTarget target, String hostHeader,
      String pathAndQuery, ServiceRequest request) {
    requireNonNull(target, "target");
    requireNonNull(hostHeader, "hostHeader");
    requireNonNull(pathAndQuery, "pathAndQuery");
    requireNonNull(request, "request");
    var result = new CompletableFuture<ServiceResponse>();
    PooledConnection idle = pool.poll(target);
    if (idle != null) {
      var exchange = new Exchange(hostHeader, pathAndQuery, request);
      exchange.response.whenComplete((response, error) -> {
        if (error != null && exchange.closedBeforeResponse() && replayable(request)) {
          // The server closed the idle connection as we picked it: once more, on a new one.
          ServiceRequest again = new ServiceRequest(request.method(), request.url(),
              request.headers(), BodyStreams.empty(), request.requestId(), request.budget());
          sendOnNew(target, new Exchange(hostHeader, pathAndQuery, again), result);
        } else {
          complete(result, response, error);
        }
      });
      idle.begin(exchange);
    } else {
      sendOnNew(target, new Exchange(hostHeader, pathAndQuery, request), result);
    }
    result.whenComplete((response, error) -> {
      if (error != null) {
        request.body().cancel();
      }
    });
    return result;
  }

  /** Idle connections kept now (for tests and metrics). */
  public int idleConnections() {
    return pool.idleConnections();
  }

  /** Connections opened so far (for tests and metrics). */
  public long connectionsOpened() {
    return opened.get();
  }

  /** Closes the idle connections; connections in use close when their exchange ends. */
  @Override public void close() {
    pool.close();
  }

  private void sendOnNew(EgressTarget target, Exchange exchange, CompletableFuture<ServiceResponse> result) {
    exchange.response.whenComplete((response, error) -> complete(result, response, error));
    open(target).whenComplete((connection, error) -> {
      if (error != null) {
        exchange.response.completeExceptionally(error);
      } else {
        connection.begin(exchange);
      }
    });
  }

  private static void complete(CompletableFuture<ServiceResponse> result, ServiceResponse response,
      Throwable error) {
    if (error != null) {
      result.completeExceptionally(error instanceof java.util.concurrent.CompletionException
          && error.getCause() != null ? error.getCause() : error);
    } else {
      result.complete(response);
    }
  }

  private static boolean replayable(ServiceRequest request) {
    String m = request.method();
    return (m.equals("GET") || m.equals("HEAD") || m.equals("OPTIONS"))
        && request.body().knownLength() == 0;
  }

  /** A new connection to {@code target}, its TLS handshake done. */
  private CompletableFuture<PooledConnection> open(EgressTarget target) {
    var connection = new PooledConnection(target, pool);
    var decoder = new HttpDecoderConfig().setMaxHeaderSize(settings.maxResponseHeaderSize())
        .setMaxChunkSize(64 * 1024);
    var init = new ChannelInitializer<Channel>() {
      @Override protected void initChannel(Channel ch) {
        EgressTarget.Tls tls = target.tls();
        if (tls != null) {
          SslHandler handler = tls.context().newHandler(ch.alloc(), tls.peerHost(),
              target.address().getPort());
          SSLEngine engine = handler.engine();
          SSLParameters params = engine.getSSLParameters();
          params.setEndpointIdentificationAlgorithm("HTTPS");
          engine.setSSLParameters(params);
          handler.setHandshakeTimeoutMillis(settings.handshakeTimeout().toMillis());
          ch.pipeline().addLast("tls", handler);
        }
        ch.pipeline().addLast("codec", new HttpClientCodec(decoder, false, false));
        ch.pipeline().addLast("connection", connection);
      }
    };
    var ready = new CompletableFuture<PooledConnection>();
    CompletionStage<Channel> connected;
    try {
      connected = connector.connect(target.address(), init);
    } catch (RuntimeException e) {
      connected = CompletableFuture.failedFuture(e);
    }
    connected.whenComplete((ch, error) -> {
      if (error != null) {
        ready.completeExceptionally(error);
        return;
      }
      opened.incrementAndGet();
      SslHandler tls = ch.pipeline().get(SslHandler.class);
      if (tls == null) {
        ready.complete(connection);
        return;
      }
      ch.read(); // auto-read is off: let the server's handshake messages in
      tls.handshakeFuture().addListener(f -> {
        if (f.isSuccess()) {
          ready.complete(connection);
        } else {
          ch.close();
          ready.completeExceptionally(f.cause());
        }
      });
    });
    return ready;
  }
}
