package dev.capmesh.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.capmesh.testing.TestPki;
import dev.capmesh.runner.tls.TestTlsServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * https end to end, with certificates this test makes: a runner serving a worker on an https
 * socket (and one that requires client certificates), the worker calling https external services
 * that are real TLS servers on 127.0.0.1 (the JDK's HttpsServer) presenting good and bad
 * certificates, and a network service fetching an https URL. Names in {@code certificateHost}
 * are only compared with certificates: every address is an IP literal, nothing is resolved.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RunnerTlsTest {
  private static final String WORKER = """
      export default {
        async fetch(request, env) {
          const url = new URL(request.url);
          const target = url.pathname.slice(1);
          if (target === 'scheme') return new Response(url.protocol);
          try {
            if (target === 'network') {
              const r = await fetch('https://127.0.0.1:' + env.IP_PORT + '/via-network');
              return new Response(await r.text());
            }
            if (target === 'networkByName') {
              const r = await fetch('https://localhost:' + env.IP_PORT + '/by-name');
              return new Response(await r.text());
            }
            const r = await env[target].fetch('https://api.test/hello');
            return new Response(await r.text());
          } catch (e) {
            return new Response('error: ' + e.message, { status: 502 });
          }
        }
      };
      """;

  private Path dir;
  private final TestPki.Issued ca = TestPki.ca("Test CA");
  private final TestPki.Issued otherCa = TestPki.ca("Other CA");
  private final List<TestTlsServer> servers = new ArrayList<>();
  private TestTlsServer good;
  private TestTlsServer pooled;
  private TestTlsServer byIp;
  private Runner runner;

  @BeforeAll void start(@TempDir Path tempDir) throws Exception {
    this.dir = tempDir;
    var apiCert = TestPki.certificate("api.test").dns("api.test").signedBy(ca);
    good = server("good", apiCert, null);
    pooled = server("pooled", TestPki.certificate("api.test").dns("api.test").signedBy(ca), null);
    byIp = server("byIp", TestPki.certificate("127.0.0.1").ip("127.0.0.1").signedBy(ca), null);
    var unknownCa = server("unknownCa", TestPki.certificate("api.test").dns("api.test").signedBy(otherCa), null);
    var expired = server("expired", TestPki.certificate("api.test").dns("api.test")
        .validFor(Duration.ofDays(30), Duration.ofDays(-1)).signedBy(ca), null);
    var notYet = server("notYet", TestPki.certificate("api.test").dns("api.test")
        .validFor(Duration.ofDays(-1), Duration.ofDays(30)).signedBy(ca), null);
    var mtls = server("mtls", TestPki.certificate("api.test").dns("api.test").signedBy(ca), ca);

    var runnerCert = TestPki.certificate("runner.test").ip("127.0.0.1").signedBy(ca);
    var clientCert = TestPki.certificate("worker client").signedBy(ca);
    write("ca.pem", ca.certificatePem());
    write("runner.key", runnerCert.traditionalKeyPem());
    write("runner.pem", runnerCert.chainPem(ca));
    write("client.key", clientCert.privateKeyPem());
    write("client.pem", clientCert.certificatePem());
    write("worker.js", WORKER);

    String trustCa = "tlsOptions = (trustedCertificates = [embed \"ca.pem\"])";
    String config = "using Workerd = import \"/workerd/workerd.capnp\";\n"
        + "const config :Workerd.Config = (\n  services = [\n"
        + "    (name = \"main\", worker = (modules = [(name = \"worker.js\", esModule = embed \"worker.js\")],\n"
        + "      compatibilityDate = \"2024-09-01\", globalOutbound = \"net\", bindings = [\n"
        + "        (name = \"IP_PORT\", text = \"" + byIp.port() + "\"),\n"
        + bindings("good", "pooled", "byIp", "unknownCa", "wrongHost", "expired", "notYet",
            "mtlsNoCert", "mtlsWithCert", "trustsNothing")
        + "      ])),\n"
        + external("good", good, trustCa + ", certificateHost = \"api.test\"")
        + external("pooled", pooled, trustCa + ", certificateHost = \"api.test\"")
        + external("byIp", byIp, trustCa)
        + external("unknownCa", unknownCa, trustCa + ", certificateHost = \"api.test\"")
        + external("wrongHost", good, trustCa + ", certificateHost = \"other.test\"")
        + external("expired", expired, trustCa + ", certificateHost = \"api.test\"")
        + external("notYet", notYet, trustCa + ", certificateHost = \"api.test\"")
        + external("mtlsNoCert", mtls, trustCa + ", certificateHost = \"api.test\"")
        + external("mtlsWithCert", mtls, "tlsOptions = (trustedCertificates = [embed \"ca.pem\"], "
            + "keypair = (privateKey = embed \"client.key\", certificateChain = embed \"client.pem\")), "
            + "certificateHost = \"api.test\"")
        + external("trustsNothing", good, "certificateHost = \"api.test\"")
        + "    (name = \"net\", network = (allow = [\"local\"], tlsOptions = (trustedCertificates = [embed \"ca.pem\"]))),\n"
        + "  ],\n  sockets = [\n"
        + "    (name = \"web\", address = \"127.0.0.1:1\", service = \"main\", https = (tlsOptions = (\n"
        + "      keypair = (privateKey = embed \"runner.key\", certificateChain = embed \"runner.pem\")))),\n"
        + "    (name = \"mtls\", address = \"127.0.0.1:2\", service = \"main\", https = (tlsOptions = (\n"
        + "      keypair = (privateKey = embed \"runner.key\", certificateChain = embed \"runner.pem\"),\n"
        + "      requireClientCerts = true, trustedCertificates = [embed \"ca.pem\"]))),\n"
        + "  ],\n);\n";
    runner = TestRunners.start(dir, TestRunners.compile(dir, config));
  }

  @AfterAll void stop() {
    if (runner != null) {
      runner.close();
    }
    servers.forEach(TestTlsServer::close);
  }

  @Test void anHttpsSocketServesTheWorkerToAClientTrustingTheTestCa() throws Exception {
    HttpResponse<String> r = get(client(null), "web", "/scheme");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("https:");
    // the client offered h2 and http/1.1 by ALPN; the socket speaks http/1.1
    assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
  }

  @Test void aClientThatDoesNotTrustTheSocketsCaIsRefusedByItsOwnCheck() {
    var stranger = HttpClient.newBuilder().sslContext(TestTlsServer.context(null, List.of(), otherCa))
        .connectTimeout(Duration.ofSeconds(10)).build();
    assertThatThrownBy(() -> get(stranger, "web", "/scheme")).isInstanceOf(IOException.class);
  }

  @Test void aSocketRequiringClientCertificatesRefusesAClientWithoutOneAndServesOneWithIt() throws Exception {
    assertThatThrownBy(() -> get(client(null), "mtls", "/scheme")).isInstanceOf(IOException.class);
    var stranger = TestPki.certificate("stranger").signedBy(otherCa);
    assertThatThrownBy(() -> get(client(stranger), "mtls", "/scheme")).isInstanceOf(IOException.class);
    var member = TestPki.certificate("member").signedBy(ca);
    HttpResponse<String> r = get(client(member), "mtls", "/scheme");
    assertThat(r.body()).isEqualTo("https:");
  }

  @Test void anHttpsExternalServiceWithTheRightCaAnswers() throws Exception {
    assertThat(get(client(null), "web", "/good").body()).isEqualTo("good host=api.test path=/hello");
    // without certificateHost the certificate must name the address: here its IP
    assertThat(get(client(null), "web", "/byIp").body()).isEqualTo("byIp host=api.test path=/hello");
    // a client certificate from the keypair, for a server that requires one
    assertThat(get(client(null), "web", "/mtlsWithCert").body()).isEqualTo("mtls host=api.test path=/hello");
  }

  @Test void badServerCertificatesAreRefusedWithOneSentenceNamingTheServiceAndTheCause() throws Exception {
    Map<String, String> expected = Map.of(
        "unknownCa", "the server's certificate is not signed by a trusted certificate authority "
            + "(CN=api.test, issued by CN=Other CA)",
        "wrongHost", "the server's certificate (CN=api.test) does not match the host name \"other.test\"",
        "expired", "the server's certificate has expired: CN=api.test was valid until",
        "notYet", "the server's certificate is not valid yet: CN=api.test is valid from",
        "mtlsNoCert", "certificate",
        "trustsNothing", "the server's certificate cannot be trusted: tlsOptions trusts no certificate authority");
    for (var e : expected.entrySet()) {
      HttpResponse<String> r = get(client(null), "web", "/" + e.getKey());
      assertThat(r.statusCode()).as(e.getKey()).isEqualTo(502);
      assertThat(r.body()).as(e.getKey())
          .startsWith("error: fetch to https://api.test/hello failed: external service \""
              + e.getKey() + "\": TLS to 127.0.0.1:")
          .contains(e.getValue())
          .doesNotContain("Exception", "\tat ", "java.", "io.netty");
    }
    assertThat(get(client(null), "web", "/mtlsNoCert").body())
        .contains("the server requires a client certificate");
  }

  @Test void sequentialRequestsToAnHttpsExternalReuseOneConnection() throws Exception {
    int before = pooled.requests();
    for (int i = 0; i < 6; i++) {
      assertThat(get(client(null), "web", "/pooled").body()).isEqualTo("pooled host=api.test path=/hello");
    }
    assertThat(pooled.requests() - before).isEqualTo(6);
    assertThat(pooled.connections()).isEqualTo(1);
  }

  @Test void aNetworkServiceWithTlsOptionsFetchesHttpsCheckingTheUrlsHost() throws Exception {
    assertThat(get(client(null), "web", "/network").body())
        .isEqualTo("byIp host=127.0.0.1:" + byIp.port() + " path=/via-network");
    // "localhost" is loopback without DNS; the certificate names only 127.0.0.1
    assertThat(get(client(null), "web", "/networkByName").body())
        .startsWith("error: fetch to https://localhost:" + byIp.port() + "/by-name failed: network \"net\": TLS to localhost:")
        .contains("does not match the host name \"localhost\"");
  }

  // ---- helpers ----

  private TestTlsServer server(String name, TestPki.Issued cert, TestPki.@Nullable Issued clientCa)
      throws IOException {
    boolean ours = cert.certificate().getIssuerX500Principal().equals(ca.certificate().getSubjectX500Principal());
    var s = new TestTlsServer(name, cert, List.of(ours ? ca : otherCa), clientCa);
    servers.add(s);
    return s;
  }

  private void write(String name, String text) throws IOException {
    Files.writeString(dir.resolve(name), text);
  }

  private static String bindings(String... names) {
    var out = new StringBuilder();
    for (int i = 0; i < names.length; i++) {
      out.append("        (name = \"").append(names[i]).append("\", service = \"").append(names[i])
          .append("\")").append(i + 1 < names.length ? ",\n" : "\n");
    }
    return out.toString();
  }

  private static String external(String name, TestTlsServer server, String https) {
    return "    (name = \"" + name + "\", external = (address = \"127.0.0.1:" + server.port()
        + "\", https = (" + https + "))),\n";
  }

  private HttpClient client(TestPki.@Nullable Issued identity) {
    SSLContext ssl = TestTlsServer.context(identity, List.of(), ca);
    return HttpClient.newBuilder().sslContext(ssl).version(HttpClient.Version.HTTP_2)
        .connectTimeout(Duration.ofSeconds(10)).build();
  }

  private HttpResponse<String> get(HttpClient client, String socket, String path) throws Exception {
    int port = runner.listening().get(socket).getPort();
    return client.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
