package dev.capmesh.runner.services;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.capmesh.runner.egress.EgressRefusedException;
import dev.capmesh.runner.egress.HostResolver;
import dev.capmesh.runner.egress.IpAddresses;
import dev.capmesh.runner.egress.LoopbackOnlyConnector;
import dev.capmesh.runner.egress.NetworkPolicy;
import dev.capmesh.runner.http.HttpServer;
import dev.capmesh.runner.http.NettyTransport;
import dev.capmesh.runner.service.BodyStream;
import dev.capmesh.runner.service.BodyStreams;
import dev.capmesh.runner.service.ServiceRequest;
import dev.capmesh.runner.service.ServiceResponse;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NetworkServiceTest {
  private NettyTransport transport;
  private LoopbackOnlyConnector connector;
  private HttpServer backend;
  private int port;

  /** Names the tests may use; nothing ever reaches real DNS. */
  private static final HostResolver RESOLVER = name -> switch (name) {
    case "loopback.test" -> done(List.of(addr("127.0.0.1")));
    case "public.test" -> done(List.of(addr("127.0.0.1")));
    case "mixed.test" -> done(List.of(addr("10.0.0.1"), addr("127.0.0.1")));
    case "private.test" -> done(List.of(addr("192.168.1.1"), addr("10.0.0.1")));
    default -> CompletableFuture.failedFuture(new UnknownHostException(name));
  };

  private static CompletionStage<List<InetAddress>> done(List<InetAddress> list) {
    return CompletableFuture.completedFuture(list);
  }

  private static InetAddress addr(String text) {
    return IpAddresses.fromBytes(IpAddresses.parseDottedQuad(text));
  }

  @BeforeEach void startBackend() {
    transport = NettyTransport.create(1, "test-egress");
    connector = new LoopbackOnlyConnector(transport);
    backend = HttpServer.builder().transport(transport).bind(new InetSocketAddress("127.0.0.1", 0))
        .service(request -> {
          if (request.url().contains("/redirect")) {
            return CompletableFuture.completedFuture(new ServiceResponse(302, "",
                List.of(Map.entry("location", "http://127.0.0.2:" + port + "/target")),
                BodyStreams.empty()));
          }
          String host = request.headers().stream().filter(h -> h.getKey().equalsIgnoreCase("host"))
              .map(Map.Entry::getValue).findFirst().orElse("?");
          return BodyStreams.readAll(request.body(), Long.MAX_VALUE).thenApply(bytes ->
              ServiceResponse.text(200, "host=" + host + " path=" + request.url()
                  .replaceFirst("http://[^/]+", "") + " bytes=" + bytes.length));
        }).build();
    port = backend.start().getPort();
  }

  @AfterEach void stop() {
    backend.close();
    transport.close();
    assertThat(connector.violations()).as("connections outside loopback").isEmpty();
  }

  private NetworkService network(List<String> allow, List<String> deny) {
    return new NetworkService("internet", NetworkPolicy.of(allow, deny), RESOLVER, connector);
  }

  private static ServiceRequest get(String url) {
    return new ServiceRequest("GET", url, List.of(), BodyStreams.empty(), "test-id");
  }

  private static String text(ServiceResponse response) throws Exception {
    return new String(BodyStreams.readAll(response.body(), 1 << 20).get(5, TimeUnit.SECONDS),
        StandardCharsets.UTF_8);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "http://127.0.0.1:%d/", "http://localhost:%d/", "http://localhost.:%d/", "http://[::1]:%d/",
      "http://0.0.0.0:%d/", "http://[::]:%d/", "http://169.254.169.254:%d/latest/meta-data/",
      "http://10.0.0.1:%d/", "http://192.168.1.1:%d/", "http://100.64.0.1:%d/",
      "http://172.16.0.1:%d/", "http://[fe80::1]:%d/", "http://[fd00::1]:%d/",
      "http://2130706433:%d/", "http://0177.0.0.1:%d/", "http://0x7f.1:%d/",
      "http://0x7f000001:%d/", "http://[::ffff:127.0.0.1]:%d/", "http://loopback.test:%d/",
      "http://LOOPBACK.TEST.:%d/", "http://user:pw@127.0.0.1:%d/", "http://127.0.0.1:%d\\@public.test/",
      "http://%%31%%32%%37.0.0.1:%d/", "http://private.test:%d/", "http://224.0.0.1:%d/"})
  void ssrfTargetsAreRefusedUnderAllowPublicBeforeAnyConnection(String pattern) {
    String url = String.format(pattern, port);
    var service = network(List.of("public"), List.of());
    assertThatThrownBy(() -> service.fetch(get(url)).toCompletableFuture().get(5, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause().isInstanceOf(EgressRefusedException.class)
        .hasMessageStartingWith("network \"internet\" refused ");
    assertThat(connector.asked()).as("connection attempts for %s", url).isEmpty();
  }

  @Test void refusalMessageNamesAddressAndRule() {
    var service = network(List.of("public"), List.of());
    assertThatThrownBy(() -> service.fetch(get("http://10.0.0.1/")).toCompletableFuture().join())
        .cause().hasMessage("network \"internet\" refused 10.0.0.1: matches deny \"private\" "
            + "(implied by allow \"public\")");
    assertThatThrownBy(() -> service.fetch(get("http://loopback.test/")).toCompletableFuture().join())
        .cause().hasMessage("network \"internet\" refused loopback.test (127.0.0.1): matches deny "
            + "\"local\" (implied by allow \"public\")");
  }

  @Test void allowLocalReachesALoopbackServer() throws Exception {
    var service = network(List.of("local"), List.of());
    var response = service.fetch(get("http://loopback.test:" + port + "/hello?x=1#frag"))
        .toCompletableFuture().get(5, TimeUnit.SECONDS);
    assertThat(response.status()).isEqualTo(200);
    assertThat(text(response)).isEqualTo("host=loopback.test:" + port + " path=/hello?x=1 bytes=0");
    assertThat(connector.asked()).containsExactly(new InetSocketAddress(addr("127.0.0.1"), port));
  }

  @Test void onlyAllowedAddressesOfANameAreUsed() throws Exception {
    var service = network(List.of("local"), List.of());
    var response = service.fetch(get("http://mixed.test:" + port + "/"))
        .toCompletableFuture().get(5, TimeUnit.SECONDS);
    assertThat(response.status()).isEqualTo(200);
    assertThat(connector.asked()).extracting(InetSocketAddress::getAddress)
        .containsExactly(addr("127.0.0.1"));
  }

  @Test void redirectHopIsCheckedAgainAndRefused() throws Exception {
    // The test's own server is allowed by an exact /32 rule (more specific than the /8 "local"
    // deny that "public" implies); 127.0.0.2 is loopback too, but only /8-denied, so refused.
    var service = network(List.of("public", "127.0.0.1/32"), List.of());
    var first = service.fetch(get("http://public.test:" + port + "/redirect"))
        .toCompletableFuture().get(5, TimeUnit.SECONDS);
    assertThat(first.status()).as("redirects are returned, not followed").isEqualTo(302);
    String location = first.headers().stream().filter(h -> h.getKey().equalsIgnoreCase("location"))
        .map(Map.Entry::getValue).findFirst().orElseThrow();
    assertThat(location).isEqualTo("http://127.0.0.2:" + port + "/target");

    assertThatThrownBy(() -> service.fetch(get(location)).toCompletableFuture().get(5, TimeUnit.SECONDS))
        .cause().isInstanceOf(EgressRefusedException.class)
        .hasMessageContaining("refused 127.0.0.2: matches deny \"local\"");
    assertThat(connector.asked()).hasSize(1);
  }

  @Test void requestBodyIsStreamedToTheUpstream() throws Exception {
    long total = 8L * 1024 * 1024;
    var produced = new AtomicLong();
    BodyStream body = new BodyStream() {
      @Override public CompletableFuture<ByteBuffer> read() {
        long left = total - produced.get();
        if (left == 0) {
          return CompletableFuture.completedFuture(null);
        }
        int n = (int) Math.min(16 * 1024, left);
        produced.addAndGet(n);
        return CompletableFuture.completedFuture(ByteBuffer.allocate(n));
      }

      @Override public void cancel() {}
    };
    var service = network(List.of("local"), List.of());
    var response = service.fetch(new ServiceRequest("POST", "http://127.0.0.1:" + port + "/up",
        List.of(Map.entry("Connection", "x-secret-hop"), Map.entry("x-secret-hop", "1")), body, "id"))
        .toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertThat(text(response)).endsWith("bytes=" + total);
  }

  @Test void httpsWithoutTlsOptionsIsRefusedWithAClearMessage() {
    var service = network(List.of("local"), List.of());
    assertThatThrownBy(() -> service.fetch(get("https://127.0.0.1:" + port + "/")).toCompletableFuture().join())
        .cause().isInstanceOf(EgressRefusedException.class).hasMessageContaining("it has no tlsOptions, so it speaks no TLS (as in workerd); set tlsOptions = (trustBrowserCas = true)");
    assertThat(connector.asked()).isEmpty();
  }

  @Test void externalServiceSendsEverythingToItsAddressKeepingTheHostHeader() throws Exception {
    var external = new ExternalService("backend", "127.0.0.1:" + port, RESOLVER, connector);
    var response = external.fetch(get("http://api.internal/v1/items?q=2"))
        .toCompletableFuture().get(5, TimeUnit.SECONDS);
    assertThat(text(response)).isEqualTo("host=api.internal path=/v1/items?q=2 bytes=0");

    var byName = new ExternalService("backend", "loopback.test:" + port, RESOLVER, connector);
    assertThat(text(byName.fetch(get("http://x/y")).toCompletableFuture().get(5, TimeUnit.SECONDS)))
        .isEqualTo("host=x path=/y bytes=0");
  }
}
