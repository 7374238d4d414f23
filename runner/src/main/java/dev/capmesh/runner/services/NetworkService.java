package dev.capmesh.runner.services;

import static java.util.Objects.requireNonNull;

import dev.capmesh.runner.egress.Connector;
import dev.capmesh.runner.egress.EgressClient;
import dev.capmesh.runner.egress.EgressRefusedException;
import dev.capmesh.runner.egress.EgressTarget;
import dev.capmesh.runner.egress.EgressUrl;
import dev.capmesh.runner.egress.HostParser;
import dev.capmesh.runner.egress.HostResolver;
import dev.capmesh.runner.egress.IpAddresses;
import dev.capmesh.runner.egress.NetworkPolicy;
import dev.capmesh.runner.service.HttpService;
import dev.capmesh.runner.service.ServiceRequest;
import dev.capmesh.runner.service.ServiceResponse;
import dev.capmesh.runner.tls.TlsFailures;
import io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;

/**
 * workerd's {@code network} service: fetches any http URL whose address the {@link NetworkPolicy}
 * allows.
 *
 * <p>For each request the host is parsed like a browser would ({@link HostParser}), a name is
 * resolved once, every resulting address is checked, and the connection goes to the first
 * allowed address exactly (so a second DNS answer cannot swap in another address). When no
 * address is allowed the stage fails with {@link EgressRefusedException}, whose message names the
 * service, the address and the rule; no connection is attempted. Redirects are not followed: the
 * caller (the worker's {@code fetch}) follows them, and every hop comes back here to be checked
 * again. The names {@code localhost} and {@code *.localhost} always mean the loopback addresses and
 * are never sent to DNS, and no name is sent to DNS when the policy allows no address at all
 * ({@link NetworkPolicy#allowsSomeAddress()}).
 *
 * <p>https URLs need the service's {@code tlsOptions}, as in workerd (whose network service has
 * no TLS without them): the address is chosen and checked exactly as for http, then the
 * connection speaks TLS with the service's context, and the server's certificate must name the
 * URL's host. Without {@code tlsOptions} an https URL is refused with a message saying how to
 * allow it. Keep-alive connections are reused per address and host (see {@link EgressClient}).
 * Thread-safe.
 */
public final class NetworkService implements HttpService, AutoCloseable {
  private static final List<InetAddress> LOOPBACK = List.of(
      IpAddresses.fromBytes(new byte[] {127, 0, 0, 1}),
      IpAddresses.fromBytes(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}));

  private final String name;
  private final NetworkPolicy policy;
  private final HostResolver resolver;
  private final EgressClient client;
  private final @Nullable SslContext tls;

  /**
   * @param name the service's name in the config, used in refusal messages
   * @param policy which addresses may be reached
   * @param resolver how names become addresses
   * @param connector how connections are opened
   */
  public NetworkService(String name, NetworkPolicy policy, HostResolver resolver, Connector connector) {
    this(name, policy, null, resolver, connector);
  }

  /**
   * @param tls the client context of the service's {@code tlsOptions}; null: https is refused
   */
  public NetworkService(String name, NetworkPolicy policy, @Nullable SslContext tls,
      HostResolver resolver, Connector connector) {
    this.tls = tls;
    this.name = requireNonNull(name, "name");
    this.policy = requireNonNull(policy, "policy");
    this.resolver = requireNonNull(resolver, "resolver");
    this.client = new EgressClient(requireNonNull(connector, "connector"));
  }

  @Override public CompletionStage<ServiceResponse> fetch(ServiceRequest request) {
    var failure = new CompletableFuture<ServiceResponse>();
    EgressUrl url = EgressUrl.ofRequest(request, failure);
    if (url == null) {
      return failure;
    }
    boolean https = url.scheme().equals("https");
    if (https && tls == null) {
      request.body().cancel();
      return CompletableFuture.failedFuture(new EgressRefusedException("network \"" + name
          + "\" cannot fetch " + url.scheme() + "://" + url.hostHeader()
          + ": it has no tlsOptions, so it speaks no TLS (as in workerd); set tlsOptions = "
          + "(trustBrowserCas = true) to fetch https URLs"));
    }
    if (url.host() instanceof HostParser.Name n && !n.isLocalhost() && !policy.allowsSomeAddress()) {
      // Whatever the name resolves to is refused: do not let the lookup itself leave the runner.
      request.body().cancel();
      return CompletableFuture.failedFuture(new EgressRefusedException("network \"" + name
          + "\" refused " + n.name() + ": no address can pass its rules (allow = "
          + quoted(policy.allowRules()) + ", deny = " + quoted(policy.denyRules())
          + "), so the name was not resolved"));
    }
    var result = new CompletableFuture<ServiceResponse>();
    addresses(url.host())
        .thenCompose(addresses -> {
          InetAddress chosen = null;
          NetworkPolicy.Decision firstRefusal = null;
          for (InetAddress a : addresses) {
            var decision = policy.check(a);
            if (decision.allowed()) {
              chosen = a;
              break;
            }
            if (firstRefusal == null) {
              firstRefusal = decision;
            }
          }
          if (chosen == null) {
            throw new EgressRefusedException(refusal(url.host(), firstRefusal));
          }
          var address = new InetSocketAddress(chosen, url.port());
          EgressTarget.Tls secure = !https || tls == null ? null
              : new EgressTarget.Tls(tls, peerHost(url.host()));
          return client.send(new EgressTarget(address, secure), url.hostHeader(),
              url.pathAndQuery(), request).exceptionally(error -> {
                throw new CompletionException(explained(error, url, address, secure));
              });
        })
        .whenComplete((response, error) -> {
          if (error != null) {
            request.body().cancel();
            // unwrapped, so the worker's fetch() rejects with this message and no class name
            result.completeExceptionally(ExternalService.unwrap(error));
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

  private static String peerHost(HostParser.Host host) {
    return switch (host) {
      case HostParser.Ip ip -> IpAddresses.toText(ip.address());
      case HostParser.Name n -> n.lookupName();
    };
  }

  private Throwable explained(Throwable error, EgressUrl url, InetSocketAddress address,
      EgressTarget.@Nullable Tls secure) {
    Throwable cause = ExternalService.unwrap(error);
    String reason = secure == null ? null : TlsFailures.describe(cause);
    if (reason == null) {
      return cause;
    }
    return new IOException("network \"" + name + "\": TLS to " + url.hostHeader() + " ("
        + IpAddresses.toText(address.getAddress()) + ":" + address.getPort() + ") failed: "
        + reason, cause);
  }

  private CompletionStage<List<InetAddress>> addresses(HostParser.Host host) {
    return switch (host) {
      case HostParser.Ip ip -> CompletableFuture.completedFuture(List.of(ip.address()));
      case HostParser.Name n when n.isLocalhost() -> CompletableFuture.completedFuture(LOOPBACK);
      case HostParser.Name n -> resolver.resolve(n.lookupName()).thenApply(list -> {
        if (list.isEmpty()) {
          throw new java.util.concurrent.CompletionException(
              new UnknownHostException(n.lookupName()));
        }
        return list;
      });
    };
  }

  private static String quoted(List<String> rules) {
    return rules.stream().map(r -> "\"" + r + "\"")
        .collect(java.util.stream.Collectors.joining(", ", "[", "]"));
  }

  private String refusal(HostParser.Host host, NetworkPolicy.Decision decision) {
    String address = IpAddresses.toText(decision.address());
    String target = host instanceof HostParser.Name n ? n.name() + " (" + address + ")" : address;
    return "network \"" + name + "\" refused " + target + ": " + decision.reason();
  }
}
