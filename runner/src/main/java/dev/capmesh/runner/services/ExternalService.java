package dev.capmesh.runner.services;

import static java.util.Objects.requireNonNull;

import dev.capmesh.runner.egress.Connector;
import dev.capmesh.runner.egress.EgressClient;
import dev.capmesh.runner.egress.EgressTarget;
import dev.capmesh.runner.egress.EgressUrl;
import dev.capmesh.runner.egress.HostParser;
import dev.capmesh.runner.egress.HostResolver;
import dev.capmesh.runner.egress.IpAddresses;
import dev.capmesh.runner.service.HttpService;
import dev.capmesh.runner.service.ServiceRequest;
import dev.capmesh.runner.service.ServiceResponse;
import dev.capmesh.runner.tls.TlsFailures;
import io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;

/**
 * workerd's {@code external} service over http or https: every request goes to one configured
 * {@code host:port}, whatever host its URL names. As in workerd, the Host header is the one from
 * the request's URL; only the connection is redirected. The configured address is a capability
 * granted by the config, so no network policy applies; a name is resolved once per request and
 * the connection goes to the first address returned.
 *
 * <p>Over https, the server's certificate must chain to a CA the service's TLS context trusts
 * and name {@code certificateHost} when it is set, else the address's host (a DNS name, or an IP
 * address matched against the certificate's IP names); {@code certificateHost} is compared with
 * the certificate and sent as SNI, never resolved. A refused certificate fails the request with
 * one sentence naming the service and the cause. Keep-alive connections are reused (see {@link
 * EgressClient}). Thread-safe.
 */
public final class ExternalService implements HttpService, AutoCloseable {
  private final String name;
  private final HostParser.Host host;
  private final int port;
  private final EgressTarget.@Nullable Tls tls;
  private final HostResolver resolver;
  private final EgressClient client;

  /**
   * An external service over plain http.
   *
   * @param name the service's name in the config, used in messages
   * @param address {@code host:port} ({@code [v6]:port} for IPv6); the port defaults to 80
   * @throws IllegalArgumentException for a bad address
   */
  public ExternalService(String name, String address, HostResolver resolver, Connector connector) {
    this(name, address, null, null, resolver, connector);
  }

  /**
   * An external service over https when {@code tls} is set, else http.
   *
   * @param address {@code host:port}; the port defaults to 443 for https, 80 for http
   * @param tls a client context (trust, versions, client certificate), or null for http
   * @param certificateHost the name the server's certificate must carry; null: the address's host
   * @throws IllegalArgumentException for a bad address
   */
  public ExternalService(String name, String address, @Nullable SslContext tls,
      @Nullable String certificateHost, HostResolver resolver, Connector connector) {
    this.name = requireNonNull(name, "name");
    requireNonNull(address, "address");
    EgressUrl parsed;
    try {
      parsed = EgressUrl.parse((tls == null ? "http://" : "https://") + address);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("external service \"" + name + "\": address \"" + address
          + "\" (expected: host:port)", e);
    }
    if (!parsed.pathAndQuery().equals("/")) {
      throw new IllegalArgumentException("external service \"" + name + "\": address \"" + address
          + "\" (expected: host:port without a path)");
    }
    this.host = parsed.host();
    this.port = parsed.port();
    if (tls != null) {
      String peer = certificateHost != null && !certificateHost.isEmpty() ? certificateHost
          : switch (host) {
            case HostParser.Ip ip -> IpAddresses.toText(ip.address());
            case HostParser.Name n -> n.lookupName();
          };
      this.tls = new EgressTarget.Tls(tls, peer);
    } else {
      this.tls = null;
    }
    this.resolver = requireNonNull(resolver, "resolver");
    this.client = new EgressClient(requireNonNull(connector, "connector"));
  }

  /** The client, for tests that count connections. */
  EgressClient client() {
    return client;
  }

  @Override public CompletionStage<ServiceResponse> fetch(ServiceRequest request) {
    var result = new CompletableFuture<ServiceResponse>();
    EgressUrl url = EgressUrl.ofRequest(request, result);
    if (url == null) {
      return result;
    }
    CompletionStage<List<InetAddress>> addresses = switch (host) {
      case HostParser.Ip ip -> CompletableFuture.completedFuture(List.of(ip.address()));
      case HostParser.Name n -> resolver.resolve(n.lookupName());
    };
    addresses.thenCompose(list -> {
      if (list.isEmpty()) {
        throw new IllegalStateException("external service \"" + name + "\": "
            + host.serialized() + " has no addresses");
      }
      var address = new InetSocketAddress(list.get(0), port);
      return client.send(new EgressTarget(address, tls), url.hostHeader(), url.pathAndQuery(), request)
          .exceptionally(error -> {
            throw new CompletionException(explained(error, address));
          });
    }).whenComplete((response, error) -> {
      if (error != null) {
        request.body().cancel();
        result.completeExceptionally(unwrap(error));
      } else {
        result.complete(response);
      }
    });
    return result;
  }

  /** Closes idle connections. */
  @Override public void close() {
    client.close();
  }

  /** A TLS failure as one sentence naming this service; other failures as they are. */
  private Throwable explained(Throwable error, InetSocketAddress address) {
    Throwable cause = unwrap(error);
    String reason = TlsFailures.describe(cause);
    if (reason == null || tls == null) {
      return cause;
    }
    return new IOException("external service \"" + name + "\": TLS to "
        + IpAddresses.toText(address.getAddress()) + ":" + address.getPort()
        + " (certificate host " + tls.peerHost() + ") failed: " + reason, cause);
  }

  static Throwable unwrap(Throwable error) {
    Throwable e = error;
    while (e instanceof CompletionException && e.getCause() != null) {
      e = e.getCause();
    }
    return e;
  }
}
