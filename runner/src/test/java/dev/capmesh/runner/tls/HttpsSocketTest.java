package dev.capmesh.runner.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.capmesh.testing.TestPki;
import dev.capmesh.proto.v1.TlsSpec;
import dev.capmesh.runner.http.HttpServer;
import dev.capmesh.runner.service.ServiceResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The https side of {@link HttpServer} with contexts from {@link TlsContexts}: certificates from
 * the key forms workerd accepts, minVersion, cipherList, a context replaced while serving, and the
 * handshake timeout. Clients are raw JDK TLS sockets, so protocols and suites are exactly chosen.
 */
class HttpsSocketTest {
  private static final TestPki.Issued CA = TestPki.ca("Socket CA");
  private HttpServer server;
  private int port;

  @AfterEach void stop() {
    if (server != null) {
      server.close();
    }
  }

  private static TlsSpec.Builder spec(TestPki.Issued cert, boolean traditionalKey) {
    return TlsSpec.newBuilder().setPresent(true)
        .setPrivateKey(traditionalKey ? cert.traditionalKeyPem() : cert.privateKeyPem())
        .setCertificateChain(cert.chainPem(CA));
  }

  private void start(TlsSpec spec, Duration handshakeTimeout) {
    server = HttpServer.builder().ioThreads(1)
        .tls(TlsContexts.server(spec))
        .tlsHandshakeTimeout(handshakeTimeout)
        .service(request -> CompletableFuture.completedFuture(ServiceResponse.text(200, request.url())))
        .build();
    port = server.start().getPort();
  }

  private SSLSocket connect(String[] protocols, String[] suites) throws IOException {
    var socket = (SSLSocket) TestTlsServer.context(null, List.of(), CA).getSocketFactory()
        .createSocket("127.0.0.1", port);
    socket.setSoTimeout(30_000);
    if (protocols != null) {
      socket.setEnabledProtocols(protocols);
    }
    if (suites != null) {
      socket.setEnabledCipherSuites(suites);
    }
    return socket;
  }

  private static String get(Socket socket, String path) throws IOException {
    OutputStream out = socket.getOutputStream();
    out.write(("GET " + path + " HTTP/1.1\r\nHost: api.test\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    out.flush();
    InputStream in = socket.getInputStream();
    var head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("closed after " + head);
      }
      head.append((char) b);
    }
    int length = Integer.parseInt(head.toString().lines()
        .filter(l -> l.toLowerCase().startsWith("content-length:")).findFirst().orElseThrow()
        .substring(15).trim());
    return new String(in.readNBytes(length), StandardCharsets.UTF_8);
  }

  @Test void servesHttpsWithPkcs8Pkcs1AndSec1KeysAndTellsTheServiceTheSchemeIsHttps() throws Exception {
    for (var cert : List.of(TestPki.certificate("ec.test").signedBy(CA),
        TestPki.certificate("rsa.test").rsa().signedBy(CA))) {
      for (boolean traditional : new boolean[] {false, true}) {
        start(spec(cert, traditional).build(), Duration.ofSeconds(10));
        try (SSLSocket s = connect(null, null)) {
          assertThat(get(s, "/x?y=1")).isEqualTo("https://api.test/x?y=1");
          assertThat(s.getSession().getProtocol()).isEqualTo("TLSv1.3");
          var leaf = (X509Certificate) s.getSession().getPeerCertificates()[0];
          assertThat(leaf.getSubjectX500Principal().getName()).isEqualTo("CN=" + cert.certificate()
              .getSubjectX500Principal().getName().substring(3));
        }
        server.close();
        server = null;
      }
    }
  }

  @Test void minVersionTls13RefusesATls12Client() throws Exception {
    start(spec(TestPki.certificate("v.test").signedBy(CA), false).setMinVersion("tls1Dot3").build(),
        Duration.ofSeconds(10));
    try (SSLSocket old = connect(new String[] {"TLSv1.2"}, null)) {
      assertThatThrownBy(old::startHandshake).isInstanceOf(SSLException.class);
    }
    try (SSLSocket now = connect(null, null)) {
      assertThat(get(now, "/")).isEqualTo("https://api.test/");
    }
  }

  @Test void cipherListLimitsTheTls12SuitesAndLeavesTls13Alone() throws Exception {
    start(spec(TestPki.certificate("c.test").signedBy(CA), false)
        .setCipherList("ECDHE-ECDSA-AES256-GCM-SHA384").build(), Duration.ofSeconds(10));
    try (SSLSocket other = connect(new String[] {"TLSv1.2"},
        new String[] {"TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"})) {
      assertThatThrownBy(other::startHandshake).isInstanceOf(SSLException.class);
    }
    try (SSLSocket listed = connect(new String[] {"TLSv1.2"},
        new String[] {"TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"})) {
      assertThat(get(listed, "/")).isEqualTo("https://api.test/");
      assertThat(listed.getSession().getCipherSuite()).isEqualTo("TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384");
    }
    try (SSLSocket tls13 = connect(null, new String[] {"TLS_CHACHA20_POLY1305_SHA256"})) {
      assertThat(get(tls13, "/")).isEqualTo("https://api.test/");
    }
  }

  @Test void aReplacedContextServesNewConnectionsWhileOpenOnesKeepTheirs() throws Exception {
    start(spec(TestPki.certificate("first.test").signedBy(CA), false).build(), Duration.ofSeconds(10));
    try (SSLSocket open = connect(null, null)) {
      assertThat(get(open, "/a")).isEqualTo("https://api.test/a");
      server.tls(TlsContexts.server(spec(TestPki.certificate("second.test").signedBy(CA), false).build()));
      try (SSLSocket fresh = connect(null, null)) {
        assertThat(get(fresh, "/b")).isEqualTo("https://api.test/b");
        assertThat(((X509Certificate) fresh.getSession().getPeerCertificates()[0])
            .getSubjectX500Principal().getName()).isEqualTo("CN=second.test");
      }
      assertThat(get(open, "/c")).isEqualTo("https://api.test/c");
      assertThat(((X509Certificate) open.getSession().getPeerCertificates()[0])
          .getSubjectX500Principal().getName()).isEqualTo("CN=first.test");
    }
  }

  @Test void aClientThatNeverSendsAClientHelloIsClosedAtTheHandshakeTimeout() throws Exception {
    start(spec(TestPki.certificate("t.test").signedBy(CA), false).build(), Duration.ofMillis(300));
    try (Socket silent = new Socket()) {
      silent.connect(new InetSocketAddress("127.0.0.1", port));
      silent.setSoTimeout(60_000); // a safety net, not the assertion
      assertThat(silent.getInputStream().read()).isEqualTo(-1);
    }
  }

  @Test void aKeyThatDoesNotBelongToTheCertificateIsRefusedNamingTheCertificate() {
    var a = TestPki.certificate("a.test").signedBy(CA);
    var b = TestPki.certificate("b.test").signedBy(CA);
    var mixed = TlsSpec.newBuilder().setPresent(true).setPrivateKey(a.privateKeyPem())
        .setCertificateChain(b.certificatePem()).build();
    assertThatThrownBy(() -> TlsContexts.server(mixed))
        .hasMessage("privateKey does not belong to the first certificate of certificateChain (CN=b.test)");
    assertThatThrownBy(() -> TlsContexts.server(TlsSpec.newBuilder().setPresent(true).build()))
        .hasMessageStartingWith("tlsOptions: no keypair");
  }
}
