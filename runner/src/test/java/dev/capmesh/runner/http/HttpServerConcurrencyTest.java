package dev.capmesh.runner.http;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.capmesh.runner.service.BodyStream;
import dev.capmesh.runner.service.BodyStreams;
import dev.capmesh.runner.service.HttpService;
import dev.capmesh.runner.service.ServiceResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Defects of the connection state machine found by review: final 1xx responses, early answers
 * to pipelined requests, and a server that read its settings from its mutable builder.
 */
class HttpServerConcurrencyTest {
  /** One event loop, so that a task submitted to it runs after everything the server did. */
  private final NettyTransport transport = NettyTransport.create(1, "concurrency-test");
  private HttpServer server;

  @AfterEach void stop() {
    if (server != null) {
      server.close();
    }
    transport.close();
  }

  /** Waits until the event loop has finished whatever it was doing (logging included). */
  private void settleEventLoop() throws Exception {
    transport.group().submit(() -> { }).get(10, java.util.concurrent.TimeUnit.SECONDS);
  }

  private static final HttpService ECHO_PATH = request -> HttpServerTest.count(request.body())
      .thenApply(c -> ServiceResponse.text(200, request.url().replaceFirst("^http://[^/]+", "")
          + " bytes=" + c[0]));

  /** Every log event with a throwable, from any logger, while {@code body} runs. */
  private static List<ILoggingEvent> errorsLoggedDuring(ThrowingRunnable body) throws Exception {
    var appender = new ListAppender<ILoggingEvent>();
    appender.start();
    var root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.addAppender(appender);
    try {
      body.run();
    } finally {
      root.detachAppender(appender);
    }
    synchronized (appender) {
      return appender.list.stream().filter(e -> e.getThrowableProxy() != null).toList();
    }
  }

  interface ThrowingRunnable {
    void run() throws Exception;
  }

  @Test void finalInformationalStatusBecomes500AndTheConnectionStaysInSync() throws Exception {
    var cancelled = new AtomicBoolean();
    server = HttpServer.builder().transport(transport).service(request -> {
      String path = request.url().replaceFirst("^http://[^/]+", "");
      int status = switch (path) {
        case "/switch" -> 101;
        case "/continue" -> 100;
        case "/early-hints" -> 103;
        default -> 200;
      };
      if (status == 200) {
        return CompletableFuture.completedFuture(ServiceResponse.text(200, "after " + path));
      }
      // A hostile service: headers that would upgrade the connection, and a body.
      return CompletableFuture.completedFuture(new ServiceResponse(status, "",
          List.of(Map.entry("upgrade", "websocket"), Map.entry("connection", "upgrade")),
          notifyOnCancel(BodyStreams.of("smuggled".getBytes(StandardCharsets.UTF_8)), cancelled)));
    }).build();
    var address = server.start();
    try (var http = new RawHttp(address)) {
      http.send("GET /switch HTTP/1.1\r\nHost: h\r\n\r\n"
          + "GET /continue HTTP/1.1\r\nHost: h\r\n\r\n"
          + "GET /early-hints HTTP/1.1\r\nHost: h\r\n\r\n"
          + "GET /next HTTP/1.1\r\nHost: h\r\n\r\n");
      var first = http.read();
      var second = http.read();
      var third = http.read();
      var fourth = http.read();
      assertThat(first.status()).isEqualTo(500);
      assertThat(first.text()).contains("status 101", first.header("x-request-id"));
      assertThat(first.header("upgrade")).isNull();
      assertThat(second.status()).isEqualTo(500);
      assertThat(second.text()).contains("status 100");
      assertThat(third.status()).isEqualTo(500);
      assertThat(fourth.status()).isEqualTo(200);
      assertThat(fourth.text()).isEqualTo("after /next");
    }
    assertThat(cancelled).as("the refused response's body was released").isTrue();
  }

  @Test void pipelinedRequestAnsweredEarlyWithMoreQueuedBehindIt() throws Exception {
    server = HttpServer.builder().transport(transport).maxBodySize(1000).service(ECHO_PATH).build();
    var address = server.start();
    List<RawHttp.Response> responses = new ArrayList<>();
    var errors = errorsLoggedDuring(() -> {
      try (var http = new RawHttp(address)) {
        http.send("GET /first HTTP/1.1\r\nHost: h\r\n\r\n"
            + "POST /big HTTP/1.1\r\nHost: h\r\nContent-Length: 2000\r\n\r\n"
            + "GET /third HTTP/1.1\r\nHost: h\r\n\r\n"
            + "GET /fourth HTTP/1.1\r\nHost: h\r\n\r\n");
        responses.add(http.read());
        responses.add(http.read());
        assertThat(http.closedByServer()).isTrue();
      }
      awaitIdle(server);
      settleEventLoop();
    });
    assertThat(responses.get(0).status()).isEqualTo(200);
    assertThat(responses.get(0).text()).isEqualTo("/first bytes=0");
    assertThat(responses.get(1).status()).isEqualTo(413);
    assertThat(responses.get(1).header("connection")).isEqualTo("close");
    assertThat(errors).extracting(e -> e.getThrowableProxy().getClassName()).isEmpty();
  }

  @Test void pipelinedOversizedHeaderAnsweredEarlyWithMoreQueuedBehindIt() throws Exception {
    // Small enough that all three requests arrive in the server's first read (2 KiB).
    server = HttpServer.builder().transport(transport).maxHeaderSize(256).service(ECHO_PATH).build();
    var address = server.start();
    List<RawHttp.Response> responses = new ArrayList<>();
    var errors = errorsLoggedDuring(() -> {
      try (var http = new RawHttp(address)) {
        http.send("GET /first HTTP/1.1\r\nHost: h\r\n\r\n"
            + "GET /big HTTP/1.1\r\nHost: h\r\nX-Big: " + "b".repeat(600) + "\r\n\r\n"
            + "GET /third HTTP/1.1\r\nHost: h\r\n\r\n");
        responses.add(http.read());
        responses.add(http.read());
        assertThat(http.closedByServer()).isTrue();
      }
      awaitIdle(server);
      settleEventLoop();
    });
    assertThat(responses.get(0).status()).isEqualTo(200);
    assertThat(responses.get(1).status()).isEqualTo(431);
    assertThat(errors).extracting(e -> e.getThrowableProxy().getClassName()).isEmpty();
  }

  /**
   * The server asks for the next read before a request is answered (to keep the socket watched
   * on keep-alive connections). A client that shuts down its sending side right after its
   * requests, as {@code nc -N} or a one-shot script does, still gets every answer, in order.
   */
  @Test void aClientThatHalfClosesAfterItsRequestsGetsEveryAnswer() throws Exception {
    var release = new CompletableFuture<Void>();
    var slowSeen = new CompletableFuture<Void>();
    server = HttpServer.builder().transport(transport).service(request -> {
      var answer = ECHO_PATH.fetch(request);
      if (!request.url().endsWith("/slow")) {
        return answer;
      }
      slowSeen.complete(null);
      return release.thenCompose(v -> answer);
    }).build();
    var address = server.start();
    try (var http = new RawHttp(address)) {
      http.send("GET /slow HTTP/1.1\r\nHost: h\r\n\r\n"
          + "POST /second HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc");
      http.socket.shutdownOutput();
      // /slow is held until the server has read it and handled what its loop had pending (the
      // shutdown, when it came with the bytes or right after): the answers must come either way.
      slowSeen.get(10, java.util.concurrent.TimeUnit.SECONDS);
      settleEventLoop();
      release.complete(null);
      var first = http.read();
      var second = http.read();
      assertThat(first.status()).isEqualTo(200);
      assertThat(first.text()).isEqualTo("/slow bytes=0");
      assertThat(second.status()).isEqualTo(200);
      assertThat(second.text()).isEqualTo("/second bytes=3");
      assertThat(http.closedByServer()).isTrue();
    }
    awaitIdle(server);
  }

  /**
   * A hostile client pipelines requests without end behind one the service has not answered.
   * The server reads ahead at most what arrives with that request and one read more; the rest
   * stays in the kernel's buffers and the client's writes stall, instead of the server queuing
   * requests in memory.
   */
  @Test void aClientPipeliningWithoutEndBehindASlowRequestCannotMakeTheServerQueueIt() throws Exception {
    var release = new CompletableFuture<Void>();
    var seen = new java.util.concurrent.atomic.AtomicInteger();
    server = HttpServer.builder().transport(transport).service(request -> {
      seen.incrementAndGet();
      return release.thenApply(v -> ServiceResponse.text(200, "late"));
    }).build();
    var address = server.start();
    byte[] chunk = "GET /more HTTP/1.1\r\nHost: h\r\n\r\n".repeat(2000).getBytes(StandardCharsets.US_ASCII);
    long total = 64L << 20;
    var written = new java.util.concurrent.atomic.AtomicLong();
    try (var socket = new java.net.Socket(address.getAddress(), address.getPort())) {
      var out = socket.getOutputStream();
      out.write("GET /slow HTTP/1.1\r\nHost: h\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      var writer = Thread.ofPlatform().daemon().start(() -> {
        try {
          while (written.get() < total) {
            out.write(chunk);
            written.addAndGet(chunk.length);
          }
        } catch (java.io.IOException e) {
          // closed at the end of the test
        }
      });
      writer.join(3000);
      assertThat(seen.get()).as("requests the service saw").isEqualTo(1);
      // The kernel's socket buffers on loopback hold some MiB; a server reading everything would
      // have taken the whole 64 MiB by now.
      assertThat(written.get()).as("bytes the client could write").isLessThan(32L << 20);
      assertThat(writer.isAlive()).as("the client's writes stall").isTrue();
    } finally {
      release.complete(null);
    }
  }

  @Test void changingTheBuilderAfterBuildDoesNotChangeTheRunningServer() throws Exception {
    HttpService other = request -> CompletableFuture.completedFuture(ServiceResponse.text(200, "other"));
    var builder = HttpServer.builder().transport(transport).maxBodySize(1000).service(ECHO_PATH)
        .requestIds(() -> "original-id");
    server = builder.build();
    var address = server.start();
    builder.service(other).maxBodySize(10).maxHeaderSize(256).requestIds(() -> "changed-id")
        .redactor(t -> "changed");
    try (var http = new RawHttp(address)) {
      http.send("POST /a HTTP/1.1\r\nHost: h\r\nX-Pad: " + "p".repeat(400) + "\r\n"
          + "Content-Length: 100\r\n\r\n" + "x".repeat(100));
      var response = http.read();
      assertThat(response.status()).isEqualTo(200);
      assertThat(response.text()).isEqualTo("/a bytes=100");
      assertThat(response.header("x-request-id")).isEqualTo("original-id");
    }
  }

  private static void awaitIdle(HttpServer server) throws InterruptedException {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (server.inFlight() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(server.inFlight()).isZero();
  }

  private static BodyStream notifyOnCancel(BodyStream body, AtomicBoolean cancelled) {
    return new BodyStream() {
      @Override public java.util.concurrent.CompletionStage<@Nullable ByteBuffer> read() {
        return body.read();
      }

      @Override public void cancel() {
        cancelled.set(true);
        body.cancel();
      }
    };
  }
}
