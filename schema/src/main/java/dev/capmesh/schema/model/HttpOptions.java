package dev.capmesh.schema.model;

import java.util.List;
import java.util.Optional;

/**
 * How HTTP is spoken on a socket or to an external server.
 *
 * @param style {@code host} (normal) or {@code proxy} (absolute URLs in the request line)
 * @param forwardedProtoHeader header carrying the original protocol, if any
 * @param cfBlobHeader header carrying the {@code request.cf} JSON, if any
 * @param injectRequestHeaders headers added to every request
 * @param injectResponseHeaders headers added to every response
 * @param capnpConnectHost host name for Cap'n Proto over HTTP CONNECT, if any
 */
public record HttpOptions(
    Style style,
    Optional<String> forwardedProtoHeader,
    Optional<String> cfBlobHeader,
    List<Header> injectRequestHeaders,
    List<Header> injectResponseHeaders,
    Optional<String> capnpConnectHost) {

  public HttpOptions {
    Checks.nonNull(style, "style");
    Checks.opt(forwardedProtoHeader, "forwardedProtoHeader");
    Checks.opt(cfBlobHeader, "cfBlobHeader");
    injectRequestHeaders = Checks.list(injectRequestHeaders, "injectRequestHeaders");
    injectResponseHeaders = Checks.list(injectResponseHeaders, "injectResponseHeaders");
    Checks.opt(capnpConnectHost, "capnpConnectHost");
  }

  /** The defaults: host style, nothing injected. */
  public static HttpOptions defaults() {
    return new HttpOptions(Style.HOST, Optional.empty(), Optional.empty(), List.of(), List.of(),
        Optional.empty());
  }

  /** workerd's {@code HttpOptions.Style}. */
  public enum Style { HOST, PROXY }

  /**
   * One header to inject.
   *
   * @param name header name
   * @param value header value
   */
  public record Header(String name, String value) {
    public Header {
      Checks.nonNull(name, "name");
      Checks.nonNull(value, "value");
    }
  }
}
