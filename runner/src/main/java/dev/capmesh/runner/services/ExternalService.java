package dev.capmesh.runner.services;

import static java.util.Objects.requireNonNull;

import dev.capmesh.runner.egress.Connector;
import dev.capmesh.runner.egress.EgressClient;
import dev.capmesh.runner.egress.EgressUrl;
import dev.capmesh.runner.egress.HostParser;
import dev.capmesh.runner.egress.HostResolver;
import dev.capmesh.runner.service.HttpService;
import dev.capmesh.runner.service.ServiceRequest;
import dev.capmesh.runner.service.ServiceResponse;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * workerd's {@code external} service over plain http: every request goes to one configured
 * {@code host:port}, whatever host its URL names. As in workerd, the Host header is the one from
 * the request's URL; only the connection is redirected. The configured address is a capability
 * granted by the config, so no network policy applies; a name is resolved once per request and
 * the connection goes to the first address returned. Thread-safe.
 */
public final class ExternalService implements HttpService {
  private final String name;
  private final HostParser.Host host;
  private final int port;
  private final HostResolver resolver;
  private final EgressClient client;

  /**
   * @param name the service's name in the config, used in messages
   * @param address {@code host:port} ({@code [v6]:port} for IPv6); the port defaults to 80
   * @param https whether the config asked for https; refused for now
   * @throws IllegalArgumentException for a bad address, or when {@code https} is true
   */
  public ExternalService(String name, String address, boolean https, HostResolver resolver,
      Connector connector) {
    this.name = requireNonNull(name, "name");
    requireNonNull(address, "address");
    if (https) {
      throw new IllegalArgumentException("external service \"" + name
          + "\": https (expected: http; TLS to external services is not supported yet)");
    }
    EgressUrl parsed;
    try {
      parsed = EgressUrl.parse("http://" + address);
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
    this.resolver = requireNonNull(resolver, "resolver");
    this.client = new EgressClient(requireNonNull(connector, "connector"));
  }

  @Override public CompletionStage<ServiceResponse> fetch(ServiceRequest request) {
    var failure = new CompletableFuture<ServiceResponse>();
    EgressUrl url = EgressUrl.ofRequest(request, failure);
    if (url == null) {
      return failure;
    }
    CompletionStage<List<InetAddress>> addresses = switch (host) {
      case HostParser.Ip ip -> CompletableFuture.completedFuture(List.of(ip.address()));
      case HostParser.Name n -> resolver.resolve(n.lookupName());
    };
    return addresses.thenCompose(list -> {
      if (list.isEmpty()) {
        throw new IllegalStateException("external service \"" + name + "\": "
            + host.serialized() + " has no addresses");
      }
      return client.send(new InetSocketAddress(list.get(0), port), url.hostHeader(),
          url.pathAndQuery(), request);
    }).whenComplete((response, error) -> {
      if (error != null) {
        request.body().cancel();
      }
    });
  }
}
