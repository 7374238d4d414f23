package dev.capmesh.runner.egress;

import static java.util.Objects.requireNonNull;

import dev.capmesh.runner.http.internal.BodyPump;
import dev.capmesh.runner.http.internal.ChannelBodyStream;
import dev.capmesh.runner.service.ServiceRequest;
import dev.capmesh.runner.service.ServiceResponse;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;

/**
 * A minimal HTTP/1.1 client for egress: one connection per request (opened through the {@link
 * Connector}, to an address the caller already checked), request and response bodies streamed
 * with backpressure, no redirects followed, no pooling yet. Thread-safe.
 */
public final class EgressClient {
  private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive",
      "transfer-encoding", "te", "trailer", "upgrade", "proxy-connection", "host",
      "content-length", "expect");
  private final Connector connector;
  private final int maxResponseHeaderSize;

  /** Sends through {@code connector}, accepting response header blocks up to 64 KiB. */
  public EgressClient(Connector connector) {
    this.connector = requireNonNull(connector, "connector");
    this.maxResponseHeaderSize = 64 * 1024;
  }

  /**
   * Sends {@code request} to exactly {@code target}, with {@code hostHeader} as the Host header and
   * {@code pathAndQuery} as the request target. The stage completes when response headers arrive;
   * the response body streams afterwards.
   */
  public CompletionStage<ServiceResponse> send(InetSocketAddress target, String hostHeader,
      String pathAndQuery, ServiceRequest request) {
    requireNonNull(target, "target");
    var exchange = new ClientConnection(hostHeader, pathAndQuery, request);
    var decoder = new HttpDecoderConfig().setMaxHeaderSize(maxResponseHeaderSize).setMaxChunkSize(64 * 1024);
    var init = new ChannelInitializer<Channel>() {
      @Override protected void initChannel(Channel ch) {
        ch.pipeline().addLast(new HttpClientCodec(decoder, false, false));
        ch.pipeline().addLast(exchange);
      }
    };
    CompletionStage<Channel> connected;
    try {
      connected = connector.connect(target, init);
    } catch (RuntimeException e) {
      connected = CompletableFuture.failedFuture(e);
    }
    connected.whenComplete((ch, error) -> {
      if (error != null) {
        request.body().cancel();
        exchange.response.completeExceptionally(error);
      }
    });
    return exchange.response;
  }

  /** The state of one request/response on its own connection, run on the channel's event loop. */
  private static final class ClientConnection extends ChannelInboundHandlerAdapter {
    final CompletableFuture<ServiceResponse> response = new CompletableFuture<>();
    private final String hostHeader;
    private final String pathAndQuery;
    private final ServiceRequest request;
    private @Nullable BodyPump pump;
    private @Nullable ChannelBodyStream body;

    ClientConnection(String hostHeader, String pathAndQuery, ServiceRequest request) {
      this.hostHeader = hostHeader;
      this.pathAndQuery = pathAndQuery;
      this.request = request;
    }

    @Override public void channelActive(ChannelHandlerContext ctx) {
      var out = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.valueOf(request.method()),
          pathAndQuery);
      Set<String> connectionTokens = new HashSet<>();
      for (Map.Entry<String, String> h : request.headers()) {
        if (h.getKey().equalsIgnoreCase("connection")) {
          for (String t : h.getValue().split(",")) {
            connectionTokens.add(t.trim().toLowerCase(Locale.ROOT));
          }
        }
      }
      try {
        for (Map.Entry<String, String> h : request.headers()) {
          String lower = h.getKey().toLowerCase(Locale.ROOT);
          if (!HOP_BY_HOP.contains(lower) && !connectionTokens.contains(lower)) {
            out.headers().add(h.getKey(), h.getValue());
          }
        }
      } catch (IllegalArgumentException e) {
        fail(ctx, e);
        return;
      }
      out.headers().set(HttpHeaderNames.HOST, hostHeader);
      out.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
      long length = request.body().knownLength();
      boolean bodyless = request.method().equals("GET") || request.method().equals("HEAD");
      if (length > 0 || (length == 0 && !bodyless)) {
        out.headers().set(HttpHeaderNames.CONTENT_LENGTH, length);
      } else if (length < 0) {
        out.headers().set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
      }
      ctx.write(out);
      pump = new BodyPump(ctx.channel(), request.body(), error -> {
        if (error != null) {
          fail(ctx, error);
        }
      });
      pump.start();
      ctx.read();
    }

    @Override public void channelRead(ChannelHandlerContext ctx, Object msg) {
      try {
        if (msg instanceof HttpResponse head) {
          if (head.decoderResult().isFailure()) {
            fail(ctx, new IOException("malformed response from upstream: " + head.decoderResult().cause()));
            return;
          }
          if (head.status().code() < 200) {
            ctx.read(); // an interim response such as 100 Continue; the real one follows
            return;
          }
          if (body == null && !response.isDone()) {
            List<Map.Entry<String, String>> headers = new ArrayList<>();
            for (Map.Entry<String, String> h : head.headers()) {
              headers.add(Map.entry(h.getKey(), h.getValue()));
            }
            long length = -1;
            String cl = head.headers().get(HttpHeaderNames.CONTENT_LENGTH);
            if (cl != null && !request.method().equals("HEAD")) {
              try {
                length = Long.parseLong(cl.trim());
              } catch (NumberFormatException ignored) {
                length = -1;
              }
            }
            var stream = new ChannelBodyStream(ctx.executor(), ctx::read, ctx::close, Long.MAX_VALUE,
                length);
            body = stream;
            response.complete(new ServiceResponse(head.status().code(), head.status().reasonPhrase(),
                headers, stream));
          }
        }
        if (msg instanceof HttpContent content && body != null) {
          if (content.decoderResult().isFailure()) {
            body.onFailure(new IOException("malformed response body from upstream"));
            ctx.close();
            return;
          }
          body.onContent(content.content());
          if (content instanceof LastHttpContent) {
            body.onEnd();
            ctx.close();
          }
        }
      } finally {
        ReferenceCountUtil.release(msg);
      }
    }

    @Override public void channelWritabilityChanged(ChannelHandlerContext ctx) {
      if (pump != null) {
        pump.writabilityChanged();
      }
      ctx.fireChannelWritabilityChanged();
    }

    @Override public void channelInactive(ChannelHandlerContext ctx) {
      var closed = new ClosedChannelException();
      if (pump != null) {
        pump.abort(closed);
      }
      if (body != null) {
        body.onFailure(closed);
      }
      response.completeExceptionally(new IOException("upstream closed the connection before responding"));
    }

    @Override public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      fail(ctx, cause);
    }

    private void fail(ChannelHandlerContext ctx, Throwable cause) {
      response.completeExceptionally(cause);
      if (body != null) {
        body.onFailure(cause);
      }
      ctx.close();
    }
  }
}
