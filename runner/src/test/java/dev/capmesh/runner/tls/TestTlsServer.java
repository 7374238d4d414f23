package dev.capmesh.runner.tls;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import dev.capmesh.testing.TestPki;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.jspecify.annotations.Nullable;

/**
 * A real HTTPS server on 127.0.0.1 for tests, independent of the runner's own TLS code: the JDK's
 * {@code HttpsServer} with a certificate the test made. It answers every request with its name,
 * the Host header and the path, and records which client ports it saw (one per connection).
 */
public final class TestTlsServer implements AutoCloseable {
  private final HttpsServer server;
  private final Set<Integer> clientPorts = ConcurrentHashMap.newKeySet();
  private final AtomicInteger requests = new AtomicInteger();

  /**
   * @param name answered in every body
   * @param identity the server's certificate and key
   * @param chain the certificates sent after the leaf
   * @param clientCa when set, a client certificate signed by it is required
   */
  public TestTlsServer(String name, TestPki.Issued identity, List<TestPki.Issued> chain,
      TestPki.@Nullable Issued clientCa) throws IOException {
    SSLContext ssl = context(identity, chain, clientCa);
    server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setHttpsConfigurator(new HttpsConfigurator(ssl) {
      @Override public void configure(HttpsParameters params) {
        var p = ssl.getDefaultSSLParameters();
        p.setNeedClientAuth(clientCa != null);
        params.setSSLParameters(p);
      }
    });
    server.setExecutor(Executors.newCachedThreadPool());
    server.createContext("/", exchange -> {
      requests.incrementAndGet();
      clientPorts.add(exchange.getRemoteAddress().getPort());
      exchange.getRequestBody().readAllBytes();
      byte[] body = (name + " host=" + exchange.getRequestHeaders().getFirst("Host") + " path="
          + exchange.getRequestURI()).getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    server.start();
  }

  /** The port it listens on (127.0.0.1). */
  public int port() {
    return server.getAddress().getPort();
  }

  /** How many connections requests arrived on. */
  public int connections() {
    return clientPorts.size();
  }

  /** How many requests arrived. */
  public int requests() {
    return requests.get();
  }

  @Override public void close() {
    server.stop(0);
    ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
  }

  /** An SSLContext presenting {@code identity} (and {@code chain}), trusting {@code ca} if set. */
  public static SSLContext context(TestPki.@Nullable Issued identity, List<TestPki.Issued> chain,
      TestPki.@Nullable Issued ca) {
    try {
      SSLContext ssl = SSLContext.getInstance("TLS");
      KeyManagerFactory kmf = null;
      if (identity != null) {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        var certs = new java.util.ArrayList<X509Certificate>();
        certs.add(identity.certificate());
        chain.forEach(c -> certs.add(c.certificate()));
        keys.setKeyEntry("key", identity.privateKey(), "pw".toCharArray(),
            certs.toArray(X509Certificate[]::new));
        kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, "pw".toCharArray());
      }
      TrustManagerFactory tmf = null;
      if (ca != null) {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", ca.certificate());
        tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
      }
      ssl.init(kmf == null ? null : kmf.getKeyManagers(), tmf == null ? null : tmf.getTrustManagers(), null);
      return ssl;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
