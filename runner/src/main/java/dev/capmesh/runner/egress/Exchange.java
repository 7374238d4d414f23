package dev.capmesh.runner.egress;

import dev.capmesh.runner.http.internal.BodyPump;
import dev.capmesh.runner.http.internal.ChannelBodyStream;
import dev.capmesh.runner.service.ServiceRequest;
import dev.capmesh.runner.service.ServiceResponse;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * One request and its response on a {@link PooledConnection}: the request head and body written
 * with backpressure, the response head completing {@link #response}, its body streamed to the
 * caller. When both bodies are complete and neither side said {@code Connection: close}, the
 * connection goes back to the pool. Runs on the connection's event loop.
 */
final class Exchange {
  private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive",
      "transfer-encoding", "te", "trailer", "upgrade", "proxy-connection", "host",
      "content-length", "expect");

  final CompletableFuture<ServiceResponse> response = new CompletableFuture<>();
  private final String hostHeader;
  private final String pathAndQuery;
  private final ServiceRequest request;
  private @Nullable PooledConnection connection;
  private @Nullable BodyPump pump;
  private @Nullable ChannelBodyStream body;
  private boolean requestDone;
  private boolean responseDone;
  private boolean keepAlive;
  /** The connection ended before any byte of a response: the server may never have seen it. */
  private boolean closedBeforeResponse;

  Exchange(String hostHeader, String pathAndQuery, ServiceRequest request) {
    this.hostHeader = hostHeader;
    this.pathAndQuery = pathAndQuery;
    this.request = request;
  }

  /** Whether the connection closed under this exchange before the response began. */
  boolean closedBeforeResponse() {
    return closedBeforeResponse;
  }

  void start(PooledConnection conn, ChannelHandlerContext ctx) {
    this.connection = conn;
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
      fail(e);
      return;
    }
    out.headers().set(HttpHeaderNames.HOST, hostHeader);
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
        fail(error);
      } else {
        requestDone = true;
        finishIfDone();
      }
    });
    pump.start();
    ctx.read();
  }

  void onMessage(Object msg) {
    try {
      if (msg instanceof HttpResponse head) {
        if (head.decoderResult().isFailure()) {
          fail(new IOException("malformed response from upstream: " + head.decoderResult().cause()));
          return;
        }
        if (head.status().code() < 200) {
          read(); // an interim response such as 100 Continue; the real one follows
          return;
        }
        if (body == null && !response.isDone()) {
          keepAlive = HttpUtil.isKeepAlive(head);
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
          var loop = connection().channel().eventLoop();
          var stream = new ChannelBodyStream(loop, this::read, this::cancelled, Long.MAX_VALUE, length);
          body = stream;
          response.complete(new ServiceResponse(head.status().code(), head.status().reasonPhrase(),
              headers, stream));
        }
      }
      if (msg instanceof HttpContent content && body != null && !responseDone) {
        if (content.decoderResult().isFailure()) {
          fail(new IOException("malformed response body from upstream"));
          return;
        }
        body.onContent(content.content());
        if (content instanceof LastHttpContent) {
          responseDone = true;
          var stream = body;
          // Back to the pool before the caller hears of the end, so that a request it sends
          // next finds the connection there.
          finishIfDone();
          stream.onEnd();
        }
      } else if (msg instanceof HttpContent && body == null) {
        read(); // the end of an interim response
      }
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }

  void writabilityChanged() {
    if (pump != null) {
      pump.writabilityChanged();
    }
  }

  /** The connection closed while this exchange had it. */
  void onClosed() {
    if (!response.isDone()) {
      closedBeforeResponse = true;
      response.completeExceptionally(new IOException("upstream closed the connection before responding"));
    }
    var closed = new ClosedChannelException();
    if (body != null) {
      body.onFailure(closed);
    }
    if (pump != null) {
      pump.abort(closed);
    }
  }

  /** The pooled connection turned out closed before this exchange could start on it. */
  void closedBeforeStart() {
    closedBeforeResponse = true;
    response.completeExceptionally(new IOException("upstream closed the connection before responding"));
  }

  void fail(Throwable cause) {
    response.completeExceptionally(cause);
    if (body != null) {
      body.onFailure(cause);
    }
    if (pump != null) {
      pump.abort(cause);
    }
    if (connection != null) {
      connection.abandon(this);
    }
  }

  private void read() {
    if (connection != null) {
      connection.read(this);
    }
  }

  /** The caller cancelled the response body: unread bytes make the connection unusable. */
  private void cancelled() {
    if (!responseDone && connection != null) {
      connection.abandon(this);
    }
  }

  private void finishIfDone() {
    if (requestDone && responseDone && connection != null) {
      connection.done(this, keepAlive);
    }
  }

  private PooledConnection connection() {
    var c = connection;
    if (c == null) {
      throw new IllegalStateException("not started");
    }
    return c;
  }
}
