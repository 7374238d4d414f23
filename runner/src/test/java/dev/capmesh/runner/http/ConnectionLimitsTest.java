package dev.capmesh.runner.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.capmesh.runner.service.HttpService;
import dev.capmesh.runner.service.ServiceResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Timeouts (header, body, idle) and connection caps, attacked with raw sockets on loopback. */
class ConnectionLimitsTest {
  private static final InetAddress LOOPBACK_1 = ip(127, 0, 0, 1);
  private static final InetAddress LOOPBACK_2 = ip(127, 0, 0, 2);
  private static final InetAddress LOOPBACK_3 = ip(127, 0, 0, 3);

  private HttpServer server;
  private InetSocketAddress address;
  private final List<RawHttp> sockets = new ArrayList<>();

  @AfterEach void stop() throws IOException {
    for (RawHttp s : sockets) {
      s.close();
    }
    if (server != null) {
      server.close();
    }
  }

  /** Reads the whole body, then answers with its length. */
  private static final HttpService READS_BODY = request -> HttpServerTest.count(request.body())
      .thenApply(c -> ServiceResponse.text(200, "bytes=" + c[0]));

  private void start(HttpServer.Builder builder) {
    server = builder.ioThreads(1).build();
    address = server.start();
  }

  private static InetAddress ip(int a, int b, int c, int d) {
    try {
      return InetAddress.getByAddress(new byte[] {(byte) a, (byte) b, (byte) c, (byte) d});
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A connection to the server from the loopback address {@code from}. */
  private RawHttp connect(InetAddress from) throws IOException {
    var socket = new Socket();
    socket.bind(new InetSocketAddress(from, 0));
    socket.connect(address, 5000);
    var http = new RawHttp(socket);
    sockets.add(http);
    return http;
  }

  /** Headers announcing a body that never comes. */
  private static final String STALLED =
      "POST /upload HTTP/1.1\r\nHost: h\r\nContent-Length: 100\r\n\r\n";

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("waiting for: " + what).isLessThan(deadline);
      Thread.sleep(10);
    }
  }

  @Test void stalledBodiesFromOneAddressDoNotStarveAnotherAddress() throws Exception {
    int perIp = 100;
    int stalledCount = 300;
    start(HttpServer.builder().service(READS_BODY).maxConnectionsPerIp(perIp).maxConnections(1000)
        .bodyTimeout(Duration.ofMinutes(5)).headerTimeout(Duration.ofMinutes(5)));
    List<RawHttp> stalled = new ArrayList<>();
    for (int i = 0; i < stalledCount; i++) {
      var http = connect(LOOPBACK_1);
      http.send(STALLED);
      stalled.add(http);
    }
    // The first perIp are held (their service waits for the body); every later one was
    // answered 503 at once and closed, without its request being read.
    int refused = 0;
    for (RawHttp http : stalled.subList(perIp, stalledCount)) {
      var response = http.read();
      assertThat(response.status()).isEqualTo(503);
      assertThat(response.header("connection")).isEqualTo("close");
      assertThat(http.closedByServer()).isTrue();
      refused++;
    }
    assertThat(refused).isEqualTo(stalledCount - perIp);
    await("held connections counted", () -> server.openConnections() == perIp);
    assertThat(server.inFlight()).isEqualTo(perIp);

    try (var other = connect(LOOPBACK_2)) {
      other.send("POST /other HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc");
      var response = other.read();
      assertThat(response.status()).isEqualTo(200);
      assertThat(response.text()).isEqualTo("bytes=3");
    }
    // Still refused from the crowded address, while the held ones stay open.
    var again = connect(LOOPBACK_1);
    again.send("GET / HTTP/1.1\r\nHost: h\r\n\r\n");
    assertThat(again.read().status()).isEqualTo(503);
    assertThat(server.refusedConnections()).isGreaterThanOrEqualTo(stalledCount - perIp + 1);

    // Finishing one stalled body frees its slot once the connection is gone.
    RawHttp first = stalled.get(0);
    first.send("x".repeat(100));
    assertThat(first.read().text()).isEqualTo("bytes=100");
    first.close();
    await("a slot freed", () -> server.openConnections() == perIp - 1);
    var admitted = connect(LOOPBACK_1);
    admitted.send("GET / HTTP/1.1\r\nHost: h\r\n\r\n");
    assertThat(admitted.read().status()).isEqualTo(200);
  }

  @Test void totalCapRefusesEveryAddressOnceReached() throws Exception {
    start(HttpServer.builder().service(READS_BODY).maxConnections(5).maxConnectionsPerIp(5));
    for (int i = 0; i < 5; i++) {
      connect(i % 2 == 0 ? LOOPBACK_1 : LOOPBACK_2).send(STALLED);
    }
    await("five held", () -> server.openConnections() == 5);
    var third = connect(LOOPBACK_3);
    third.send("GET / HTTP/1.1\r\nHost: h\r\n\r\n");
    assertThat(third.read().status()).isEqualTo(503);
    assertThat(server.openConnections()).isEqualTo(5);
  }

  @Test void stalledBodiesAreAnswered408AndClosedAfterTheBodyTimeout() throws Exception {
    start(HttpServer.builder().service(READS_BODY).bodyTimeout(Duration.ofMillis(300))
        .maxConnectionsPerIp(1000));
    List<RawHttp> stalled = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      var http = connect(LOOPBACK_1);
      // Some send part of the body first: bytes that stop coming are a stall as well.
      http.send(STALLED + (i % 2 == 0 ? "" : "y".repeat(40)));
      stalled.add(http);
    }
    for (RawHttp http : stalled) {
      var response = http.read();
      assertThat(response.status()).isEqualTo(408);
      assertThat(response.header("connection")).isEqualTo("close");
      assertThat(http.closedByServer()).isTrue();
    }
    await("every stalled connection gone", () -> server.openConnections() == 0);
    await("every request ended", () -> server.inFlight() == 0);
  }

  @Test void aServiceThatReadsLateIsNotMistakenForAStalledClient() throws Exception {
    // The body timeout runs only while the server has asked for bytes: a service that takes
    // long before reading applies backpressure, and the client must not pay for it.
    var late = new AtomicReference<Throwable>();
    start(HttpServer.builder().bodyTimeout(Duration.ofMillis(200)).service(request ->
        CompletableFuture.runAsync(() -> { },
                CompletableFuture.delayedExecutor(1500, TimeUnit.MILLISECONDS))
            .thenCompose(v -> HttpServerTest.count(request.body()))
            .whenComplete((c, e) -> late.set(e))
            .thenApply(c -> ServiceResponse.text(200, "bytes=" + c[0]))));
    var http = connect(LOOPBACK_1);
    http.send("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\n");
    Thread.sleep(300); // the body arrives after the headers, while nobody reads yet
    http.send("hello");
    var response = http.read();
    assertThat(response.status()).isEqualTo(200);
    assertThat(response.text()).isEqualTo("bytes=5");
    assertThat(late.get()).isNull();
  }

  @Test void slowlorisHeadersAreCutOffAlthoughBytesKeepComing() throws Exception {
    start(HttpServer.builder().service(READS_BODY).headerTimeout(Duration.ofMillis(400))
        .idleTimeout(Duration.ofMinutes(5)));
    var http = connect(LOOPBACK_1);
    var stop = new AtomicBoolean();
    var sent = new java.util.concurrent.atomic.AtomicInteger();
    Thread trickle = new Thread(() -> {
      byte[] header = ("GET / HTTP/1.1\r\nHost: h\r\n" + "X-Pad: a\r\n".repeat(1000))
          .getBytes(StandardCharsets.US_ASCII);
      try {
        OutputStream out = http.socket.getOutputStream();
        for (int i = 0; i < header.length && !stop.get(); i++) {
          out.write(header[i]);
          out.flush();
          sent.incrementAndGet();
          Thread.sleep(20);
        }
      } catch (IOException | InterruptedException e) {
        // the server closed the connection: expected
      }
    });
    trickle.start();
    try {
      assertThat(http.closedByServer()).isTrue();
      assertThat(sent.get()).as("bytes sent before the close").isGreaterThan(0);
    } finally {
      stop.set(true);
      trickle.join(10_000);
    }
  }

  @Test void headerTimeoutStartsAtTheFirstByteOfAKeepAliveRequest() throws Exception {
    start(HttpServer.builder().service(READS_BODY).headerTimeout(Duration.ofMillis(300))
        .idleTimeout(Duration.ofMinutes(5)));
    var http = connect(LOOPBACK_1);
    http.send("GET /1 HTTP/1.1\r\nHost: h\r\n\r\n");
    assertThat(http.read().status()).isEqualTo(200);
    // Idle for longer than the header timeout: only the idle timeout applies, the connection
    // stays usable.
    Thread.sleep(1000);
    http.send("GET /2 HTTP/1.1\r\nHost: h\r\n\r\n");
    assertThat(http.read().status()).isEqualTo(200);
    // Part of a request, then nothing: the header timeout closes it, long before the idle one.
    http.send("GET /3 HTTP/1.1\r\nHo");
    assertThat(http.closedByServer()).isTrue();
  }

  @Test void idleKeepAliveConnectionsAreClosedAfterTheIdleTimeout() throws Exception {
    start(HttpServer.builder().service(READS_BODY).idleTimeout(Duration.ofMillis(300)));
    var http = connect(LOOPBACK_1);
    http.send("GET / HTTP/1.1\r\nHost: h\r\n\r\n");
    var response = http.read();
    assertThat(response.status()).isEqualTo(200);
    assertThat(response.header("connection")).isNull();
    assertThat(http.closedByServer()).isTrue();
    await("connection released", () -> server.openConnections() == 0);
  }

  @Test void aConnectionThatNeverSendsIsClosedAfterTheHeaderTimeout() throws Exception {
    start(HttpServer.builder().service(READS_BODY).headerTimeout(Duration.ofMillis(300))
        .idleTimeout(Duration.ofMinutes(5)));
    var http = connect(LOOPBACK_1);
    assertThat(http.closedByServer()).isTrue();
  }

  @Test void ipv6ClientsAreCountedByTheirSlash64AndMappedIpv4AsIpv4() throws Exception {
    var a = ConnectionCaps.Key.of(new InetSocketAddress(InetAddress.getByAddress(
        new byte[] {0x20, 0x01, 0x0d, (byte) 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}), 1));
    var b = ConnectionCaps.Key.of(new InetSocketAddress(InetAddress.getByAddress(
        new byte[] {0x20, 0x01, 0x0d, (byte) 0xb8, 0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8}), 2));
    var c = ConnectionCaps.Key.of(new InetSocketAddress(InetAddress.getByAddress(
        new byte[] {0x20, 0x01, 0x0d, (byte) 0xb8, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1}), 3));
    assertThat(a).isEqualTo(b);
    assertThat(a).isNotEqualTo(c);
    assertThat(ConnectionCaps.Key.of(new InetSocketAddress(LOOPBACK_1, 9)))
        .isEqualTo(ConnectionCaps.Key.of(new InetSocketAddress(LOOPBACK_1, 10)))
        .isNotEqualTo(ConnectionCaps.Key.of(new InetSocketAddress(LOOPBACK_2, 9)));
    var caps = new ConnectionCaps(10, 1);
    assertThat(caps.tryAcquire(a)).isTrue();
    assertThat(caps.tryAcquire(b)).as("same /64").isFalse();
    assertThat(caps.tryAcquire(c)).isTrue();
    caps.release(a);
    assertThat(caps.tryAcquire(b)).isTrue();
    assertThat(caps.open()).isEqualTo(2);
  }

  @Test void limitsRejectNonsense() {
    assertThatThrownBy(() -> HttpServer.builder().bodyTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("bodyTimeout: PT0S (expected: > 0)");
    assertThatThrownBy(() -> HttpServer.builder().maxConnectionsPerIp(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxConnectionsPerIp: 0 (expected: >= 1)");
    assertThat(ConnectionLimits.defaults().maxConnectionsPerIp())
        .isLessThanOrEqualTo(ConnectionLimits.defaults().maxConnections() / 2);
  }
}
