package dev.capmesh.runner.egress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.capmesh.runner.http.HttpServer;
import dev.capmesh.runner.http.NettyTransport;
import dev.capmesh.runner.service.BodyStreams;
import dev.capmesh.runner.service.ServiceRequest;
import dev.capmesh.runner.service.ServiceResponse;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Keep-alive reuse in {@link EgressClient} against a real server on loopback: sequential requests
 * share a connection, concurrent ones do not, idle ones are bounded and time out, a connection
 * the server closed while idle is replaced (and a GET retried once), and a response the server
 * marks {@code Connection: close} is not reused.
 */
class EgressPoolTest {
  private NettyTransport transport;
  private LoopbackOnlyConnector connector;
  private HttpServer backend;
  private InetSocketAddress address;
  private final AtomicInteger served = new AtomicInteger();
  /** Requests to {@code /c...} are held until {@link #CONCURRENT} of them have arrived. */
  private static final int CONCURRENT = 4;
  private final AtomicInteger heldArrivals = new AtomicInteger();
  private final CompletableFuture<Void> allHeldArrived = new CompletableFuture<>();

  @BeforeEach void start() {
    transport = NettyTransport.create(1, "test-pool");
    connector = new LoopbackOnlyConnector(transport);
    startBackend(Duration.ofSeconds(60));
  }

  private void startBackend(Duration idleTimeout) {
    backend = HttpServer.builder().transport(transport).idleTimeout(idleTimeout)
        .service(request -> {
          served.incrementAndGet();
          if (request.url().endsWith("/close")) {
            return CompletableFuture.completedFuture(new ServiceResponse(200, "OK",
                List.of(Map.entry("connection", "close"), Map.entry("content-length", "2")),
                BodyStreams.of("ok".getBytes())));
          }
          if (request.url().matches(".*/c[0-9]+")) {
            // answer none until all are in flight, so the client cannot reuse a connection
            if (heldArrivals.incrementAndGet() == CONCURRENT) {
              allHeldArrived.complete(null);
            }
            return allHeldArrived.thenCompose(v -> BodyStreams.readAll(request.body(), Long.MAX_VALUE))
                .thenApply(bytes -> ServiceResponse.text(200, "n=" + bytes.length));
          }
          return BodyStreams.readAll(request.body(), Long.MAX_VALUE)
              .thenApply(bytes -> ServiceResponse.text(200, "n=" + bytes.length));
        }).build();
    address = backend.start();
  }

  @AfterEach void stop() {
    backend.close();
    transport.close();
    assertThat(connector.violations()).isEmpty();
  }

  private static ServiceRequest get(String path) {
    return new ServiceRequest("GET", "http://pool.test" + path, List.of(), BodyStreams.empty(), "id");
  }

  private static String send(EgressClient client, InetSocketAddress to, ServiceRequest request) throws Exception {
    ServiceResponse r = client.send(to, "pool.test", request.url().substring("http://pool.test".length()), request)
        .toCompletableFuture().get(10, TimeUnit.SECONDS);
    return new String(BodyStreams.readAll(r.body(), Long.MAX_VALUE).toCompletableFuture()
        .get(10, TimeUnit.SECONDS));
  }

  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting until " + what);
      }
      Thread.sleep(5);
    }
  }

  @Test void sequentialRequestsShareOneConnectionWithBodiesBothWays() throws Exception {
    var client = new EgressClient(connector);
    for (int i = 0; i < 5; i++) {
      assertThat(send(client, address, get("/" + i))).isEqualTo("n=0");
      var post = new ServiceRequest("POST", "http://pool.test/p", List.of(),
          BodyStreams.of(new byte[1000 + i]), "id");
      assertThat(send(client, address, post)).isEqualTo("n=" + (1000 + i));
    }
    assertThat(client.connectionsOpened()).isEqualTo(1);
    assertThat(client.idleConnections()).isEqualTo(1);
  }

  @Test void concurrentRequestsOpenTheirOwnAndIdleOnesAreBoundedPerTarget() throws Exception {
    var client = new EgressClient(connector, new EgressClient.Settings(2, 10, Duration.ofSeconds(60),
        Duration.ofSeconds(10), 64 * 1024));
    var pending = new java.util.ArrayList<CompletableFuture<ServiceResponse>>();
    for (int i = 0; i < CONCURRENT; i++) {
      pending.add(client.send(address, "pool.test", "/c" + i, get("/c" + i)).toCompletableFuture());
    }
    for (var p : pending) {
      BodyStreams.readAll(p.get(10, TimeUnit.SECONDS).body(), Long.MAX_VALUE).toCompletableFuture()
          .get(10, TimeUnit.SECONDS);
    }
    assertThat(client.connectionsOpened()).isEqualTo(CONCURRENT);
    await(() -> client.idleConnections() == 2, "two connections are kept idle");
    assertThat(client.idleConnections()).isEqualTo(2);
  }

  @Test void idleConnectionsCloseAfterTheIdleTimeout() throws Exception {
    var client = new EgressClient(connector, new EgressClient.Settings(4, 10, Duration.ofMillis(100),
        Duration.ofSeconds(10), 64 * 1024));
    assertThat(send(client, address, get("/a"))).isEqualTo("n=0");
    await(() -> client.idleConnections() == 0, "the idle connection timed out");
    assertThat(send(client, address, get("/b"))).isEqualTo("n=0");
    assertThat(client.connectionsOpened()).isEqualTo(2);
  }

  @Test void aConnectionTheServerClosedWhileIdleIsReplaced() throws Exception {
    backend.close();
    startBackend(Duration.ofMillis(100)); // the server drops idle keep-alive connections fast
    var client = new EgressClient(connector);
    assertThat(send(client, address, get("/a"))).isEqualTo("n=0");
    await(() -> client.idleConnections() == 0, "the client saw the server's close");
    assertThat(send(client, address, get("/b"))).isEqualTo("n=0");
    assertThat(client.connectionsOpened()).isEqualTo(2);
  }

  @Test void aResponseSayingConnectionCloseIsNotReused() throws Exception {
    // The JDK's server sends Connection: close when the handler sets it (ours drops the header).
    var ports = java.util.concurrent.ConcurrentHashMap.<Integer>newKeySet();
    var jdk = com.sun.net.httpserver.HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    jdk.createContext("/", exchange -> {
      ports.add(exchange.getRemoteAddress().getPort());
      if (exchange.getRequestURI().getPath().equals("/close")) {
        exchange.getResponseHeaders().set("Connection", "close");
      }
      exchange.sendResponseHeaders(200, 2);
      exchange.getResponseBody().write("ok".getBytes());
      exchange.close();
    });
    jdk.start();
    try {
      var client = new EgressClient(connector);
      var to = new InetSocketAddress("127.0.0.1", jdk.getAddress().getPort());
      assertThat(send(client, to, get("/close"))).isEqualTo("ok");
      assertThat(send(client, to, get("/after"))).isEqualTo("ok");
      assertThat(send(client, to, get("/again"))).isEqualTo("ok");
      assertThat(client.connectionsOpened()).isEqualTo(2);
      assertThat(ports).hasSize(2);
    } finally {
      jdk.stop(0);
    }
  }

  /**
   * A server that answers the first request of each connection with keep-alive and closes the
   * connection, unanswered, when a second one arrives: a server dropping an idle connection just
   * as the client reuses it.
   */
  private static java.net.ServerSocket oneRequestPerConnection(AtomicInteger accepted) throws Exception {
    var listener = new java.net.ServerSocket(0, 50, java.net.InetAddress.getByAddress(new byte[] {127, 0, 0, 1}));
    Thread.ofVirtual().start(() -> {
      while (!listener.isClosed()) {
        try {
          var socket = listener.accept();
          accepted.incrementAndGet();
          Thread.ofVirtual().start(() -> {
            try (socket) {
              var in = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream()));
              for (int n = 0; ; n++) {
                String line = in.readLine();
                if (line == null) {
                  return;
                }
                int length = 0;
                while (!(line = in.readLine()).isEmpty()) {
                  if (line.toLowerCase().startsWith("content-length:")) {
                    length = Integer.parseInt(line.substring(15).trim());
                  }
                }
                in.skip(length);
                if (n > 0) {
                  return; // closes without answering
                }
                socket.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".getBytes());
                socket.getOutputStream().flush();
              }
            } catch (java.io.IOException ignored) {
              // the client went away
            }
          });
        } catch (java.io.IOException e) {
          return;
        }
      }
    });
    return listener;
  }

  @Test void aGetOnAConnectionClosedUnderItIsSentOnceMoreButAPostIsNot() throws Exception {
    var accepted = new AtomicInteger();
    try (var listener = oneRequestPerConnection(accepted)) {
      var to = new InetSocketAddress("127.0.0.1", listener.getLocalPort());
      var client = new EgressClient(connector);
      assertThat(send(client, to, get("/1"))).isEqualTo("ok");
      assertThat(send(client, to, get("/2"))).isEqualTo("ok"); // reused, closed, sent again
      assertThat(client.connectionsOpened()).isEqualTo(2);
      var post = new ServiceRequest("POST", "http://pool.test/3", List.of(),
          BodyStreams.of(new byte[10]), "id");
      assertThatThrownBy(() -> send(client, to, post))
          .hasMessageContaining("upstream closed the connection before responding");
      assertThat(client.connectionsOpened()).isEqualTo(2);
      assertThat(accepted.get()).isEqualTo(2);
    }
  }

  @Test void closingTheClientClosesItsIdleConnections() throws Exception {
    var client = new EgressClient(connector);
    assertThat(send(client, address, get("/a"))).isEqualTo("n=0");
    assertThat(client.idleConnections()).isEqualTo(1);
    client.close();
    assertThat(client.idleConnections()).isZero();
    await(() -> backend.openConnections() == 0, "the server saw the close");
  }

  @Test void aRefusedConnectionFailsTheRequest() throws Exception {
    var client = new EgressClient(connector);
    var closedPort = new InetSocketAddress("127.0.0.1", address.getPort());
    backend.close();
    assertThatThrownBy(() -> client.send(closedPort, "pool.test", "/", get("/")).toCompletableFuture()
        .get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(java.net.ConnectException.class);
    startBackend(Duration.ofSeconds(60)); // for stop()
  }
}
