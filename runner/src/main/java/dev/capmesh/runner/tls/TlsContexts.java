package dev.capmesh.runner.tls;

import static java.util.Objects.requireNonNull;

import dev.capmesh.crypto.TlsKeys;
import dev.capmesh.crypto.TlsPolicy;
import dev.capmesh.proto.v1.TlsSpec;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * Netty {@link SslContext}s from a plan's {@link TlsSpec}, with workerd's meanings:
 *
 * <ul>
 *   <li>{@code keypair}: the server's certificate (sockets), or the client certificate
 *       presented to a server that asks for one (external and network services).
 *   <li>Trust: the CAs browsers trust (the JDK's trust store) only when {@code
 *       trustBrowserCas} is set, plus every certificate of {@code trustedCertificates}. With
 *       neither, nothing is trusted: every connection out fails, and with {@code
 *       requireClientCerts} every client is refused, as in workerd.
 *   <li>{@code requireClientCerts} (sockets): the handshake fails unless the client presents a
 *       certificate that chains to a trusted CA.
 *   <li>{@code minVersion} and {@code cipherList}: see {@link TlsPolicy}.
 * </ul>
 *
 * <p>The TLS library is BoringSSL where it loads, else the JDK's ({@link #provider()}); both
 * get the same settings. Sockets offer ALPN {@code http/1.1} only (no HTTP/2). Clients verify the server's name
 * (RFC 2818 / 6125 rules of the JDK) against the host they are given. Errors say what is wrong
 * in the spec and never contain key material. Stateless and thread-safe.
 */
public final class TlsContexts {
  private static final ApplicationProtocolConfig HTTP_1_1 = new ApplicationProtocolConfig(
      ApplicationProtocolConfig.Protocol.ALPN,
      ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
      ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
      ApplicationProtocolNames.HTTP_1_1);

  /**
   * The in-memory key store the TLS library's key manager reads the config's key pair from. The
   * JDK's default, PKCS#12, protects the key with 10,000 rounds of PBKDF2 when it is stored and
   * again when it is read: about a second of CPU for every context with a key pair, at each
   * start and each reload, for a store that never leaves memory. JKS's protection is cheap.
   */
  private static final String KEY_STORE_TYPE = "JKS";

  private TlsContexts() {}

  /**
   * The TLS library the contexts use: BoringSSL (netty-tcnative) where its native library loads,
   * else the JDK's. The system property {@code capmesh.tls.provider} ({@code jdk} or {@code
   * openssl}) forces one, for comparisons.
   */
  public static SslProvider provider() {
    String forced = System.getProperty("capmesh.tls.provider", "");
    if (forced.equalsIgnoreCase("jdk")) {
      return SslProvider.JDK;
    }
    return OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
  }

  /**
   * A server context for an https socket.
   *
   * @throws IllegalArgumentException naming the field that is wrong (no key material)
   */
  public static SslContext server(TlsSpec spec) {
    requireNonNull(spec, "spec");
    if (spec.getPrivateKey().isEmpty() && spec.getCertificateChain().isEmpty()) {
      throw new IllegalArgumentException("tlsOptions: no keypair (expected: keypair = "
          + "(privateKey = ..., certificateChain = ...))");
    }
    TlsKeys.KeyPair pair = TlsKeys.keyPair(spec.getPrivateKey(), spec.getCertificateChain());
    var b = SslContextBuilder.forServer(pair.privateKey(), pair.chain().toArray(X509Certificate[]::new))
        .sslProvider(provider())
        .keyStoreType(KEY_STORE_TYPE)
        .protocols(TlsPolicy.protocols(spec.getMinVersion()))
        .ciphers(ciphers(spec))
        .applicationProtocolConfig(HTTP_1_1);
    if (spec.getRequireClientCerts()) {
      b.clientAuth(ClientAuth.REQUIRE).trustManager(trust(spec, "client"));
    }
    return build(b);
  }

  /**
   * A client context for https egress; {@code spec} may be the default instance (workerd's
   * defaults: trust nothing).
   *
   * @throws IllegalArgumentException naming the field that is wrong
   */
  public static SslContext client(TlsSpec spec) {
    requireNonNull(spec, "spec");
    var b = SslContextBuilder.forClient()
        .sslProvider(provider())
        .keyStoreType(KEY_STORE_TYPE)
        .protocols(TlsPolicy.protocols(spec.getMinVersion()))
        .ciphers(ciphers(spec))
        .endpointIdentificationAlgorithm("HTTPS")
        .trustManager(trust(spec, "server"));
    if (!spec.getPrivateKey().isEmpty() || !spec.getCertificateChain().isEmpty()) {
      TlsKeys.KeyPair pair = TlsKeys.keyPair(spec.getPrivateKey(), spec.getCertificateChain());
      b.keyManager(pair.privateKey(), pair.chain().toArray(X509Certificate[]::new));
    }
    return build(b);
  }

  /**
   * The suites of {@code spec} that the provider offers: BoringSSL has no DHE suites, so the
   * default list loses those (as workerd's, also on BoringSSL, does); a list the config wrote
   * must keep at least one TLS 1.2 suite.
   */
  private static java.util.List<String> ciphers(TlsSpec spec) {
    var suites = TlsPolicy.cipherSuites(spec.getCipherList());
    if (provider() != SslProvider.OPENSSL) {
      return suites;
    }
    var offered = new ArrayList<String>();
    for (String s : suites) {
      if (OpenSsl.availableJavaCipherSuites().contains(s)) {
        offered.add(s);
      }
    }
    if (!spec.getCipherList().isBlank()
        && offered.stream().noneMatch(s -> !TlsPolicy.TLS13_SUITES.contains(s))) {
      throw new IllegalArgumentException("cipherList: \"" + spec.getCipherList() + "\" names no "
          + "TLS 1.2 cipher suite this runner's TLS library (BoringSSL) offers");
    }
    return offered;
  }

  /** Whether {@code spec} trusts any certificate authority at all. */
  public static boolean trustsSomething(TlsSpec spec) {
    return spec.getTrustBrowserCas() || spec.getTrustedCertificatesCount() > 0;
  }

  private static SslContext build(SslContextBuilder b) {
    try {
      return b.build();
    } catch (SSLException | RuntimeException e) {
      throw new IllegalArgumentException("tlsOptions: the TLS library refused the settings: "
          + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
    }
  }

  /** The trust manager of {@code spec}; {@code peer} ("server", "client") is for messages. */
  private static TrustManager trust(TlsSpec spec, String peer) {
    var anchors = new ArrayList<X509Certificate>();
    if (spec.getTrustBrowserCas()) {
      anchors.addAll(List.of(systemTrust().getAcceptedIssuers()));
    }
    for (int i = 0; i < spec.getTrustedCertificatesCount(); i++) {
      anchors.addAll(TlsKeys.certificates(spec.getTrustedCertificates(i),
          "trustedCertificates[" + i + "]"));
    }
    if (anchors.isEmpty()) {
      return new CheckingTrustManager(null, peer);
    }
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      int n = 0;
      for (X509Certificate c : anchors) {
        store.setCertificateEntry("ca-" + n++, c);
      }
      var factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init(store);
      for (TrustManager tm : factory.getTrustManagers()) {
        if (tm instanceof javax.net.ssl.X509ExtendedTrustManager x) {
          return new CheckingTrustManager(x, peer);
        }
      }
      throw new IllegalStateException("the JDK's trust manager factory made no X.509 trust manager");
    } catch (GeneralSecurityException | java.io.IOException e) {
      throw new IllegalStateException("cannot build a trust store: " + e.getMessage(), e);
    }
  }

  /** The JDK's default trust store: "the CAs browsers trust" (trustBrowserCas). */
  private static X509TrustManager systemTrust() {
    try {
      var factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init((KeyStore) null);
      for (TrustManager tm : factory.getTrustManagers()) {
        if (tm instanceof X509TrustManager x) {
          return x;
        }
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot read the JDK's trust store: " + e.getMessage(), e);
    }
    throw new IllegalStateException("the JDK has no default X.509 trust manager");
  }
}
