package dev.capmesh.runner.http;

import dev.capmesh.runner.http.ConnectionTimer.Wait;
import dev.capmesh.runner.http.internal.BodyPump;
import dev.capmesh.runner.http.internal.ChannelBodyStream;
import dev.capmesh.runner.observe.SocketLimit;
import dev.capmesh.runner.service.BodyTooLargeException;
import dev.capmesh.runner.service.HttpService;
import dev.capmesh.runner.service.LogText;
import dev.capmesh.runner.service.ServiceRequest;
import dev.capmesh.runner.service.ServiceResponse;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One accepted connection: a small state machine run entirely on the channel's event loop. At most
 * one request is being served at a time; requests a client pipelines behind it wait in {@code
 * backlog} until the response before them has been written.
 */
final class ServerConnection extends ChannelInboundHandlerAdapter {
  private static final Logger ACCESS = LoggerFactory.getLogger(HttpServer.ACCESS_LOGGER);
  private static final Logger LOG = LoggerFactory.getLogger(ServerConnection.class);
  private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive",
      "transfer-encoding", "te", "trailer", "upgrade", "proxy-connection", "expect");
  // reg-name / IPv4 / bracketed IPv6, optional port; nothing that could add a path or userinfo.
  private static final Pattern HOST = Pattern.compile(
      "(?:[A-Za-z0-9._~!$&'()*+,;=-]+|\\[[0-9A-Fa-f:.]+\\])(?::[0-9]{1,5})?");

  private final HttpServer server;
  private final String scheme;
  private final ArrayDeque<Object> backlog = new ArrayDeque<>();
  private @Nullable ChannelHandlerContext ctx;
  private @Nullable Exchange current;
  private @Nullable ConnectionTimer timer;
  /** The client shut down its side (half-closed): answer what it sent, then close. */
  private boolean inputClosed;

  /** Everything about the request currently being served. */
  private static final class Exchange {
    final String id;
    final long startNanos = System.nanoTime();
    final String method;
    final String target;
    final boolean head;
    boolean keepAlive;
    @Nullable ChannelBodyStream body;
    @Nullable BodyPump pump;
    boolean responseStarted;
    boolean ended;
    int status;
    /** Nanoseconds from the request's head to its response head (0 until then). */
    long nanosToResponse;
    long bytesOut;

    Exchange(String id, String method, String target, boolean keepAlive) {
      this.id = id;
      this.method = method;
      this.target = target;
      this.head = method.equals("HEAD");
      this.keepAlive = keepAlive;
    }
  }

  /** @param secure whether the connection is TLS (its URLs are https) */
  ServerConnection(HttpServer server, boolean secure) {
    this.server = server;
    this.scheme = secure ? "https://" : "http://";
  }

  @Override public void channelActive(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    this.timer = new ConnectionTimer(ctx.executor(), server.config.limits(), this::timedOut);
    server.connections.add(ctx.channel());
    if (server.draining) {
      ctx.close();
      return;
    }
    timer.await(Wait.HEADER);
    ctx.read();
  }

  /**
   * A handler to put before the HTTP codec: it sees raw bytes arrive, so that the first byte of
   * a request on an idle keep-alive connection starts the header timeout.
   */
  ChannelInboundHandlerAdapter arrivalWatch() {
    return new ChannelInboundHandlerAdapter() {
      @Override public void channelRead(ChannelHandlerContext c, Object msg) {
        if (timer != null && timer.waiting() == Wait.IDLE) {
          timer.await(Wait.HEADER);
        }
        c.fireChannelRead(msg);
      }
    };
  }

  @Override public void channelRead(ChannelHandlerContext ctx, Object msg) {
    dispatch(msg);
  }

  /**
   * Reads are on demand (auto-read is off). After a read that completed a request, nothing is
   * pending, so the transport would stop watching the socket at once and start again when the
   * response is written: two {@code epoll_ctl} calls per request on a keep-alive connection.
   * Asking for the next read here, while the socket is still watched, avoids both. It lets in
   * at most what a client pipelines behind the request: that waits in {@code backlog}, and while
   * anything waits there no further read is asked for, so a client cannot queue more.
   */
  @Override public void channelReadComplete(ChannelHandlerContext ctx) {
    Exchange ex = current;
    if (ex != null && !ex.responseStarted && backlog.isEmpty() && ex.body != null
        && ex.body.isFinished() && ctx.channel().isActive()) {
      read();
    }
    ctx.fireChannelReadComplete();
  }

  private void dispatch(Object msg) {
    Exchange ex = current;
    if (ex != null && ex.body != null && !ex.body.isFinished()) {
      if (msg instanceof HttpContent content) {
        feedBody(ex, content);
      } else {
        ReferenceCountUtil.release(msg);
      }
    } else if (ex != null) {
      backlog.add(msg);
    } else {
      handleIdle(msg);
    }
  }

  private void handleIdle(Object msg) {
    if (msg instanceof HttpRequest request) {
      startExchange(request);
      if (msg instanceof HttpContent content && current != null && current.body != null) {
        feedBody(current, content); // releases it
        return;
      }
    }
    ReferenceCountUtil.release(msg);
  }

  private void startExchange(HttpRequest request) {
    timer.await(Wait.NOTHING);
    String id = server.config.requestIds().get();
    var ex = new Exchange(id, request.method().name(), request.uri(),
        HttpUtil.isKeepAlive(request) && !server.draining);
    current = ex;
    server.inFlight.incrementAndGet();
    server.config.meter().started();

    if (request.decoderResult().isFailure()) {
      Throwable cause = request.decoderResult().cause();
      int status = cause instanceof TooLongHttpHeaderException ? 431
          : cause instanceof TooLongHttpLineException ? 414
          : cause instanceof TooLongFrameException ? 431 : 400;
      if (status != 400) {
        server.config.meter().limitHit(status == 414 ? SocketLimit.REQUEST_LINE_TOO_LONG
            : SocketLimit.HEADER_TOO_LARGE);
      }
      LOG.debug("bad request id={} cause={}", id, cause.toString());
      sendErrorAndClose(ex, status, status == 400 ? "malformed request" : "request too large");
      return;
    }
    String url = absoluteUrl(request);
    if (url == null) {
      sendErrorAndClose(ex, 400, "bad host header or request target");
      return;
    }
    long length;
    try {
      length = HttpUtil.getContentLength(request, -1L);
    } catch (NumberFormatException e) {
      sendErrorAndClose(ex, 400, "bad content-length");
      return;
    }
    boolean chunked = HttpUtil.isTransferEncodingChunked(request);
    if (length > server.config.maxBodySize()) {
      server.config.meter().limitHit(SocketLimit.BODY_TOO_LARGE);
      sendErrorAndClose(ex, 413, "request body is larger than " + server.config.maxBodySize() + " bytes");
      return;
    }
    if (HttpUtil.is100ContinueExpected(request)) {
      ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
    }
    long known = chunked ? -1 : Math.max(length, 0);
    var body = new ChannelBodyStream(ctx.executor(), this::demandBody, () -> { },
        server.config.maxBodySize(), known);
    ex.body = body;

    List<Map.Entry<String, String>> headers = new ArrayList<>();
    Set<String> connectionTokens = new HashSet<>();
    for (String v : request.headers().getAll(HttpHeaderNames.CONNECTION)) {
      for (String token : v.split(",")) {
        connectionTokens.add(token.trim().toLowerCase(Locale.ROOT));
      }
    }
    for (Map.Entry<String, String> h : request.headers()) {
      String lower = h.getKey().toLowerCase(Locale.ROOT);
      if (!HOP_BY_HOP.contains(lower) && !connectionTokens.contains(lower)) {
        headers.add(Map.entry(h.getKey(), h.getValue()));
      }
    }
    var serviceRequest = new ServiceRequest(ex.method, url, headers, body, id);
    HttpService service = server.config.service();
    CompletionStage<ServiceResponse> stage;
    try {
      stage = service.fetch(serviceRequest);
    } catch (RuntimeException e) {
      stage = CompletableFuture.failedFuture(e);
    }
    var loop = ctx.executor();
    stage.whenComplete((response, error) -> loop.execute(() -> onResponse(ex, response, error)));
  }

  private @Nullable String absoluteUrl(HttpRequest request) {
    String target = request.uri();
    if (target.regionMatches(true, 0, "http://", 0, 7)
        || target.regionMatches(true, 0, "https://", 0, 8)) {
      return target;
    }
    if (!target.startsWith("/")) {
      return null;
    }
    String host = request.headers().get(HttpHeaderNames.HOST);
    if (host == null) {
      var local = (InetSocketAddress) ctx.channel().localAddress();
      String addr = local.getAddress().getHostAddress();
      host = (addr.contains(":") ? "[" + addr + "]" : addr) + ":" + local.getPort();
    } else if (!HOST.matcher(host).matches()) {
      return null;
    }
    return scheme + host + target;
  }

  /** The service asked for body bytes and none are queued: read, and time the client. */
  private void demandBody() {
    timer.await(Wait.BODY);
    read();
  }

  /**
   * Asks the transport for the next read, unless the client shut its side down: the epoll
   * transport stops watching such a socket, and a read asked for then fails the channel. What
   * arrived before the shutdown is already in {@code backlog}.
   */
  private void read() {
    if (!inputClosed) {
      ctx.read();
    }
  }

  private void feedBody(Exchange ex, HttpContent content) {
    if (timer.waiting() == Wait.BODY) {
      timer.await(Wait.NOTHING);
    }
    try {
      ChannelBodyStream body = ex.body;
      if (content.decoderResult().isFailure()) {
        body.onFailure(new IllegalArgumentException("malformed request body: "
            + content.decoderResult().cause()));
        failInput(ex, 400, "malformed request body");
        return;
      }
      if (!body.onContent(content.content())) {
        server.config.meter().limitHit(SocketLimit.BODY_TOO_LARGE);
        failInput(ex, 413, "request body is larger than " + server.config.maxBodySize() + " bytes");
        return;
      }
      if (content instanceof LastHttpContent) {
        body.onEnd();
      }
    } finally {
      content.release();
    }
  }

  /** Bad or oversized input mid-body: answer if we still can, and never reuse the connection. */
  private void failInput(Exchange ex, int status, String message) {
    ex.keepAlive = false;
    if (!ex.responseStarted) {
      sendErrorAndClose(ex, status, message);
    } else {
      ctx.close();
    }
  }

  private void onResponse(Exchange ex, @Nullable ServiceResponse response, @Nullable Throwable error) {
    if (ex.responseStarted || ex != current || !ctx.channel().isActive()) {
      if (response != null) {
        response.body().cancel();
      }
      endExchange(ex);
      return;
    }
    if (error != null) {
      Throwable cause = error instanceof CompletionException && error.getCause() != null
          ? error.getCause() : error;
      if (cause instanceof BodyTooLargeException) {
        server.config.meter().limitHit(SocketLimit.BODY_TOO_LARGE);
        response = ServiceResponse.text(413, "request body too large\n");
        ex.keepAlive = false;
      } else {
        LOG.warn("service failed id={} error={}", ex.id, cause.toString());
        response = ServiceResponse.text(500, "internal error, request id " + ex.id + "\n");
      }
    }
    if (response.status() < 200) {
      // A 1xx is never a final response: written as one, the client would wait for the real
      // response and read the next one in its place (workerd refuses it too).
      LOG.warn("service returned an informational status as its final response id={} status={}",
          ex.id, response.status());
      response.body().cancel();
      response = ServiceResponse.text(500, "internal error: the service answered with status "
          + response.status() + ", which cannot be a final response (request id " + ex.id + ")\n");
    }
    try {
      writeResponse(ex, response);
    } catch (RuntimeException e) {
      // e.g. a status text Netty refuses; the service's mistake must not wedge the connection
      LOG.warn("could not write response id={} error={}", ex.id, e.toString());
      response.body().cancel();
      endExchange(ex);
      ctx.close();
    }
  }

  private void writeResponse(Exchange ex, ServiceResponse response) {
    ex.responseStarted = true;
    ex.nanosToResponse = System.nanoTime() - ex.startNanos;
    ex.status = response.status();
    HttpResponseStatus status = response.statusText().isEmpty()
        ? HttpResponseStatus.valueOf(response.status())
        : new HttpResponseStatus(response.status(), response.statusText());
    var out = new DefaultHttpResponse(HttpVersion.HTTP_1_1, status);
    try {
      for (Map.Entry<String, String> h : response.headers()) {
        String lower = h.getKey().toLowerCase(Locale.ROOT);
        if (!HOP_BY_HOP.contains(lower) && !lower.equals("content-length")
            && !lower.equals("x-request-id")) {
          out.headers().add(h.getKey(), h.getValue());
        }
      }
    } catch (IllegalArgumentException e) {
      LOG.warn("service returned an invalid header id={} error={}", ex.id, e.getMessage());
      response.body().cancel();
      ex.status = 500;
      out = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.INTERNAL_SERVER_ERROR);
      response = ServiceResponse.text(500, "internal error, request id " + ex.id + "\n");
    }
    out.headers().set("x-request-id", ex.id);
    if (ex.body != null && ex.body.isCancelled() && !ex.body.isFinished()) {
      ex.keepAlive = false;
    }
    int code = response.status();
    boolean noBody = ex.head || code < 200 || code == 204 || code == 304;
    long length = response.body().knownLength();
    if (length >= 0 && code != 204 && code >= 200) {
      out.headers().set(HttpHeaderNames.CONTENT_LENGTH, length);
    } else if (!noBody) {
      out.headers().set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
    }
    if (!ex.keepAlive || server.draining) {
      ex.keepAlive = false;
      out.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    }
    if (noBody) {
      response.body().cancel();
      ctx.write(out);
      ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT)
          .addListener(f -> responseWritten(ex, f.isSuccess() ? null : f.cause(), true));
      return;
    }
    ctx.write(out);
    var pump = new BodyPump(ctx.channel(), response.body(),
        err -> responseWritten(ex, err, length < 0 || ex.pump.bytes() == length));
    ex.pump = pump;
    pump.start();
  }

  private void sendErrorAndClose(Exchange ex, int status, String message) {
    ex.keepAlive = false;
    ex.responseStarted = true;
    ex.nanosToResponse = System.nanoTime() - ex.startNanos;
    ex.status = status;
    byte[] bytes = (message + "\n").getBytes(StandardCharsets.UTF_8);
    var out = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status),
        Unpooled.wrappedBuffer(bytes));
    out.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
    out.headers().set(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
    out.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    out.headers().set("x-request-id", ex.id);
    ex.bytesOut = bytes.length;
    if (ex.body != null) {
      ex.body.onFailure(new IllegalStateException("request rejected with status " + status));
    }
    ctx.writeAndFlush(out).addListener(ChannelFutureListener.CLOSE);
    logLine(ex);
    endExchange(ex);
  }

  private void responseWritten(Exchange ex, @Nullable Throwable error, boolean lengthHonoured) {
    if (ex.pump != null) {
      ex.bytesOut = ex.pump.bytes();
    }
    if (error != null) {
      LOG.debug("response not completed id={} error={}", ex.id, error.toString());
    }
    logLine(ex);
    boolean reuse = error == null && lengthHonoured && ex.keepAlive && !server.draining
        && ex.body != null && ex.body.isFinished() && ctx.channel().isActive()
        && (!inputClosed || !backlog.isEmpty());
    endExchange(ex);
    if (!reuse) {
      if (ex.body != null && !ex.body.isFinished()) {
        ex.body.onFailure(new ClosedChannelException());
      }
      ctx.close();
      return;
    }
    current = null;
    // Feed queued messages to the exchanges they start, until one is waiting for its response
    // with its body complete. An exchange answered early (413, 431, 400) has no body and has
    // already closed the connection: stop there, the rest is never read.
    while (!backlog.isEmpty() && ctx.channel().isActive()) {
      Exchange next = current;
      if (next != null && (next.body == null || next.body.isFinished())) {
        break;
      }
      dispatch(backlog.poll());
    }
    if (inputClosed && (current == null || current.body != null && !current.body.isFinished())) {
      ctx.close(); // nothing more can arrive: no next request, or never the rest of this body
      return;
    }
    if (current == null && ctx.channel().isActive()) {
      timer.await(Wait.IDLE);
      read();
    }
  }

  private void endExchange(Exchange ex) {
    if (!ex.ended) {
      ex.ended = true;
      server.inFlight.decrementAndGet();
      server.config.meter().ended(ex.status, ex.nanosToResponse);
    }
  }

  private void logLine(Exchange ex) {
    if (server.config.accessLog() && ACCESS.isInfoEnabled()) {
      long micros = TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - ex.startNanos);
      ACCESS.info("request id={} method={} target={} status={} in={} out={} ms={}", ex.id,
          LogText.escape(ex.method), LogText.escape(server.config.redactor().apply(ex.target)), ex.status,
          ex.body == null ? 0 : ex.body.received(), ex.bytesOut, micros / 1000.0);
    }
  }

  /** Called on the loop when the server drains. */
  void closeIfIdle() {
    if (current == null && ctx != null) {
      ctx.close();
    }
  }

  private void timedOut(Wait what) {
    if (!ctx.channel().isActive()) {
      return;
    }
    Exchange ex = current;
    switch (what) {
      case IDLE, HEADER -> {
        LOG.debug("connection closed waiting={} remote={}", what, ctx.channel().remoteAddress());
        if (what == Wait.HEADER && ex == null) {
          server.config.meter().limitHit(SocketLimit.HEADER_TIMEOUT);
        }
        if (ex == null) {
          ctx.close();
        }
      }
      case BODY -> {
        if (ex != null && ex.body != null && !ex.body.isFinished()) {
          LOG.debug("request body timed out id={} received={}", ex.id, ex.body.received());
          ex.body.onFailure(new TimeoutException("the client sent no request body bytes for "
              + server.config.limits().bodyTimeout().toMillis() + " ms"));
          server.config.meter().limitHit(SocketLimit.BODY_TIMEOUT);
          failInput(ex, 408, "request body timed out");
        }
      }
      case NOTHING -> { }
    }
  }

  /**
   * The client shut down its sending side (half-close; the channel allows it so that a read
   * asked for ahead of time cannot cost a client its answer). A request it sent completely is
   * still answered, and any it pipelined before; then the connection closes. Idle, or in the
   * middle of a request body, it closes at once, as a full close would.
   */
  @Override public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof ChannelInputShutdownEvent) {
      inputClosed = true;
      Exchange ex = current;
      if (ex == null || ex.body == null || !ex.body.isFinished()) {
        ctx.close();
      }
    }
    ctx.fireUserEventTriggered(evt);
  }

  @Override public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    Exchange ex = current;
    if (ex != null && ex.pump != null) {
      ex.pump.writabilityChanged();
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override public void channelInactive(ChannelHandlerContext ctx) {
    if (timer != null) {
      timer.await(Wait.NOTHING);
    }
    Exchange ex = current;
    if (ex != null) {
      if (ex.body != null) {
        ex.body.onFailure(new PeerClosed());
      }
      if (ex.pump != null) {
        ex.pump.abort(new PeerClosed());
      }
    }
    while (!backlog.isEmpty()) {
      ReferenceCountUtil.release(backlog.poll());
    }
  }

  @Override public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    LOG.debug("connection error remote={} error={}", ctx.channel().remoteAddress(), cause.toString());
    ctx.close();
  }

  /**
   * The connection closed under an exchange. Without a stack trace: every connection that a
   * client closes after its answer makes one (the exchange is done by then, and nobody reads
   * it), and filling the trace was a measurable part of a new-connection-per-request load.
   */
  private static final class PeerClosed extends ClosedChannelException {
    private static final long serialVersionUID = 1L;

    @Override public synchronized Throwable fillInStackTrace() {
      return this;
    }
  }
}
