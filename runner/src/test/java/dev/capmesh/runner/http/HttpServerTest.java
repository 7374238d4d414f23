package dev.capmesh.runner.http;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.capmesh.runner.service.BodyStream;
import dev.capmesh.runner.service.BodyStreams;
import dev.capmesh.runner.service.HttpService;
import dev.capmesh.runner.service.ServiceRequest;
import dev.capmesh.runner.service.ServiceResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class HttpServerTest {
  private static final int MIB = 1024 * 1024;
  private HttpServer server;
  private InetSocketAddress address;
  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @AfterEach void stop() {
    if (server != null) {
      server.close();
    }
  }

  private void start(HttpService service) {
    start(HttpServer.builder().service(service).ioThreads(1));
  }

  private void start(HttpServer.Builder builder) {
    server = builder.build();
    address = server.start();
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + address.getPort() + path);
  }

  /** Reads a body chunk by chunk, keeping only counts: {total bytes, largest chunk}. */
  static CompletableFuture<long[]> count(BodyStream body) {
    var result = new CompletableFuture<long[]>();
    countLoop(body, new long[2], result);
    return result;
  }

  private static void countLoop(BodyStream body, long[] acc, CompletableFuture<long[]> result) {
    body.read().whenComplete((chunk, error) -> {
      if (error != null) {
        result.completeExceptionally(error);
      } else if (chunk == null) {
        result.complete(acc);
      } else {
        acc[0] += chunk.remaining();
        acc[1] = Math.max(acc[1], chunk.remaining());
        countLoop(body, acc, result);
      }
    });
  }

  /** Answers with method, URL, request id and the number of body bytes it counted. */
  private static final HttpService INFO = request -> count(request.body()).thenApply(c ->
      ServiceResponse.text(200, request.method() + " " + request.url() + " id=" + request.requestId()
          + " bytes=" + c[0]));

  @Test void keepAliveConnectionServesSeveralRequestsWithDistinctIds() throws Exception {
    start(INFO);
    try (var http = new RawHttp(address)) {
      http.send("GET /a HTTP/1.1\r\nHost: example.test\r\n\r\n");
      var first = http.read();
      http.send("GET /b?x=1 HTTP/1.1\r\nHost: example.test:8080\r\n\r\n");
      var second = http.read();

      assertThat(first.status()).isEqualTo(200);
      assertThat(first.text()).startsWith("GET http://example.test/a id=" + first.header("x-request-id"));
      assertThat(second.text()).startsWith("GET http://example.test:8080/b?x=1 id=");
      assertThat(second.header("x-request-id")).isNotBlank().isNotEqualTo(first.header("x-request-id"));
      assertThat(second.text()).contains("id=" + second.header("x-request-id"));
    }
  }

  @Test void pipelinedRequestsAreAnsweredInOrder() throws Exception {
    start(INFO);
    try (var http = new RawHttp(address)) {
      http.send("POST /one HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc"
          + "GET /two HTTP/1.1\r\nHost: h\r\n\r\n");
      assertThat(http.read().text()).startsWith("POST http://h/one").endsWith("bytes=3");
      assertThat(http.read().text()).startsWith("GET http://h/two").endsWith("bytes=0");
    }
  }

  @Test void javaHttpClientReusesTheConnection() throws Exception {
    var remotePorts = new java.util.concurrent.ConcurrentHashMap<String, Boolean>();
    start(request -> {
      remotePorts.put(request.requestId(), true);
      return CompletableFuture.completedFuture(ServiceResponse.text(200, "ok"));
    });
    for (int i = 0; i < 5; i++) {
      var response = client.send(HttpRequest.newBuilder(uri("/r" + i)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.body()).isEqualTo("ok");
    }
    assertThat(remotePorts).hasSize(5);
  }

  @Test void chunkedUploadOf24MibIsStreamedThroughTheService() throws Exception {
    long total = 24L * MIB;
    var firstChunkAt = new AtomicLong();
    var lastByteSentAt = new AtomicLong();
    start(request -> {
      var body = request.body();
      var counted = new CompletableFuture<long[]>();
      body.read().whenComplete((chunk, error) -> {
        firstChunkAt.set(System.nanoTime());
        long[] acc = {chunk == null ? 0 : chunk.remaining(), chunk == null ? 0 : chunk.remaining()};
        if (chunk == null) {
          counted.complete(acc);
        } else {
          countLoop(body, acc, counted);
        }
      });
      return counted.thenApply(c -> ServiceResponse.text(200, c[0] + " " + c[1]));
    });
    InputStream generator = new InputStream() {
      long left = total;

      @Override public int read() {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
      }

      @Override public int read(byte[] b, int off, int len) {
        if (left == 0) {
          lastByteSentAt.compareAndSet(0, System.nanoTime());
          return -1;
        }
        int n = (int) Math.min(len, left);
        left -= n;
        return n;
      }
    };
    var response = client.send(
        HttpRequest.newBuilder(uri("/upload"))
            .POST(HttpRequest.BodyPublishers.ofInputStream(() -> generator)).build(),
        HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(200);
    String[] parts = response.body().split(" ");
    assertThat(Long.parseLong(parts[0])).isEqualTo(total);
    assertThat(Long.parseLong(parts[1])).as("largest chunk").isLessThanOrEqualTo(1024 * 1024);
    assertThat(firstChunkAt.get()).as("service saw bytes before the client finished sending")
        .isLessThan(lastByteSentAt.get());
  }


  @Test void aServiceThatDoesNotReadStopsTheSenderByBackpressure() throws Exception {
    long total = 64L * MIB;
    var release = new CountDownLatch(1);
    start(HttpServer.builder().ioThreads(1).maxBodySize(total).service(request ->
        CompletableFuture.runAsync(() -> await(release))
            .thenCompose(v -> count(request.body()))
            .thenApply(c -> ServiceResponse.text(200, Long.toString(c[0])))));
    var written = new AtomicLong();
    var writerError = new AtomicReference<Throwable>();
    try (var socket = new Socket(address.getAddress(), address.getPort())) {
      socket.setSoTimeout(20_000);
      Thread writer = new Thread(() -> {
        try {
          OutputStream out = socket.getOutputStream();
          out.write(("POST /slow HTTP/1.1\r\nHost: h\r\nContent-Length: " + total + "\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
          byte[] block = new byte[64 * 1024];
          for (long sent = 0; sent < total; sent += block.length) {
            out.write(block);
            written.addAndGet(block.length);
          }
          out.flush();
        } catch (IOException e) {
          writerError.set(e);
        }
      });
      writer.start();
      Thread.sleep(1000);
      long stalledAt = written.get();
      assertThat(stalledAt).as("bytes the client managed to write while nobody read")
          .isLessThan(total / 2);

      release.countDown();
      writer.join(20_000);
      assertThat(writerError.get()).isNull();
      var http = new RawHttp(socket);
      var response = http.read();
      assertThat(response.status()).isEqualTo(200);
      assertThat(response.text()).isEqualTo(Long.toString(total));
    }
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Test void largeResponseIsStreamedChunked() throws Exception {
    long total = 20L * MIB;
    var produced = new AtomicLong();
    start(request -> CompletableFuture.completedFuture(new ServiceResponse(200, "", List.of(),
        new BodyStream() {
          @Override public CompletableFuture<ByteBuffer> read() {
            long left = total - produced.get();
            if (left == 0) {
              return CompletableFuture.completedFuture(null);
            }
            int n = (int) Math.min(32 * 1024, left);
            produced.addAndGet(n);
            return CompletableFuture.completedFuture(ByteBuffer.allocate(n));
          }

          @Override public void cancel() {}
        })));
    var response = client.send(HttpRequest.newBuilder(uri("/big")).build(),
        HttpResponse.BodyHandlers.ofInputStream());
    assertThat(response.headers().firstValue("transfer-encoding")).contains("chunked");
    long received = 0;
    try (InputStream in = response.body()) {
      byte[] buf = new byte[64 * 1024];
      for (int n; (n = in.read(buf)) > 0; ) {
        received += n;
      }
    }
    assertThat(received).isEqualTo(total);
  }

  @Test void declaredBodyOverTheLimitGets413AndTheConnectionCloses() throws Exception {
    start(HttpServer.builder().ioThreads(1).maxBodySize(1000).service(INFO));
    try (var http = new RawHttp(address)) {
      http.send("POST /x HTTP/1.1\r\nHost: h\r\nContent-Length: 1001\r\n\r\n");
      var response = http.read();
      assertThat(response.status()).isEqualTo(413);
      assertThat(response.header("x-request-id")).isNotBlank();
      assertThat(http.closedByServer()).isTrue();
    }
  }

  @Test void streamedBodyOverTheLimitGets413() throws Exception {
    start(HttpServer.builder().ioThreads(1).maxBodySize(1000).service(INFO));
    try (var http = new RawHttp(address)) {
      String chunk = "a".repeat(600);
      http.send("POST /x HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
          + "258\r\n" + chunk + "\r\n258\r\n" + chunk + "\r\n0\r\n\r\n");
      var response = http.read();
      assertThat(response.status()).isEqualTo(413);
      assertThat(http.closedByServer()).isTrue();
    }
  }

  @Test void oversizedHeadersGet431() throws Exception {
    start(HttpServer.builder().ioThreads(1).maxHeaderSize(4096).service(INFO));
    try (var http = new RawHttp(address)) {
      http.send("GET / HTTP/1.1\r\nHost: h\r\nX-Big: " + "b".repeat(8000) + "\r\n\r\n");
      assertThat(http.read().status()).isEqualTo(431);
      assertThat(http.closedByServer()).isTrue();
    }
  }

  @Test void malformedRequestLineGets400AndCloseThenServerKeepsServing() throws Exception {
    start(INFO);
    try (var http = new RawHttp(address)) {
      http.send("THIS IS NOT HTTP\r\n\r\n");
      assertThat(http.read().status()).isEqualTo(400);
      assertThat(http.closedByServer()).isTrue();
    }
    try (var http = new RawHttp(address)) {
      http.send("GET /still-here HTTP/1.1\r\nHost: h\r\n\r\n");
      assertThat(http.read().status()).isEqualTo(200);
    }
  }

  @Test void malformedChunkGets400() throws Exception {
    start(INFO);
    try (var http = new RawHttp(address)) {
      http.send("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\nZZZ\r\nxx\r\n");
      assertThat(http.read().status()).isEqualTo(400);
      assertThat(http.closedByServer()).isTrue();
    }
  }

  @Test void badHostHeaderGets400() throws Exception {
    start(INFO);
    try (var http = new RawHttp(address)) {
      http.send("GET / HTTP/1.1\r\nHost: evil.test/path@x\r\n\r\n");
      assertThat(http.read().status()).isEqualTo(400);
    }
  }

  @Test void failingServiceGets500AndServerKeepsServing() throws Exception {
    start(request -> {
      if (request.url().endsWith("/boom")) {
        throw new IllegalStateException("boom");
      }
      return CompletableFuture.completedFuture(ServiceResponse.text(200, "fine"));
    });
    var boom = client.send(HttpRequest.newBuilder(uri("/boom")).build(), HttpResponse.BodyHandlers.ofString());
    var fine = client.send(HttpRequest.newBuilder(uri("/ok")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(boom.statusCode()).isEqualTo(500);
    assertThat(boom.body()).contains(boom.headers().firstValue("x-request-id").orElseThrow());
    assertThat(fine.statusCode()).isEqualTo(200);
  }

  @Test void headResponseHasNoBody() throws Exception {
    start(request -> CompletableFuture.completedFuture(
        new ServiceResponse(200, "", List.of(Map.entry("content-type", "text/plain")),
            BodyStreams.of("hello".getBytes(StandardCharsets.UTF_8)))));
    try (var http = new RawHttp(address)) {
      http.send("HEAD / HTTP/1.1\r\nHost: h\r\n\r\n");
      var head = http.read(true);
      assertThat(head.header("content-length")).isEqualTo("5");
      http.send("GET / HTTP/1.1\r\nHost: h\r\n\r\n");
      assertThat(http.read().text()).isEqualTo("hello");
    }
  }

  @Test void accessLogLineCarriesTheIdAndTheRedactedTarget() throws Exception {
    var appender = new ListAppender<ILoggingEvent>();
    appender.start();
    var logger = (Logger) LoggerFactory.getLogger("dev.capmesh.runner.http.access");
    logger.addAppender(appender);
    try {
      start(INFO);
      var response = client.send(HttpRequest.newBuilder(uri("/login?token=hunter2")).build(),
          HttpResponse.BodyHandlers.ofString());
      String id = response.headers().firstValue("x-request-id").orElseThrow();
      // The line is written when the response completes, which may be just after the client
      // has read it: wait for it briefly.
      String line = null;
      for (int i = 0; i < 100 && line == null; i++) {
        List<ILoggingEvent> seen;
        synchronized (appender) { // AppenderBase appends while holding this lock
          seen = new java.util.ArrayList<>(appender.list);
        }
        line = seen.stream().map(ILoggingEvent::getFormattedMessage)
            .filter(m -> m.contains(id)).findFirst().orElse(null);
        if (line == null) {
          Thread.sleep(20);
        }
      }
      assertThat(line).as("access log line for request " + id).isNotNull();
      assertThat(line).contains("method=GET", "target=/login?<redacted>", "status=200");
      assertThat(line).doesNotContain("hunter2");
    } finally {
      logger.detachAppender(appender);
    }
  }

  @Test void closeLetsInFlightRequestsFinishAndStopsAccepting() throws Exception {
    var entered = new CountDownLatch(1);
    start(HttpServer.builder().ioThreads(1).drainTimeout(Duration.ofSeconds(5)).service(request -> {
      entered.countDown();
      return CompletableFuture.supplyAsync(() -> ServiceResponse.text(200, "late"),
          CompletableFuture.delayedExecutor(300, TimeUnit.MILLISECONDS));
    }));
    var pending = client.sendAsync(HttpRequest.newBuilder(uri("/slow")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(entered.await(5, TimeUnit.SECONDS)).isTrue();
    server.close();
    var response = pending.get(5, TimeUnit.SECONDS);
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("late");
    assertThat(server.inFlight()).isZero();
    org.assertj.core.api.Assertions.assertThatThrownBy(
        () -> new Socket(address.getAddress(), address.getPort()).close())
        .isInstanceOf(IOException.class);
    server = null;
  }
}
