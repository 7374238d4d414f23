package dev.capmesh.schema.model;

/**
 * A listening socket and the service it forwards to.
 *
 * @param name the socket's name
 * @param address {@code host:port}, {@code *:port} or {@code unix:/path}; empty means the runner
 *     must be told the address on its command line
 * @param protocol what is spoken on it
 * @param service the service that receives the traffic
 */
public record Socket(String name, String address, Protocol protocol, ServiceDesignator service) {
  public Socket {
    Checks.nonNull(name, "name");
    Checks.nonNull(address, "address");
    Checks.nonNull(protocol, "protocol");
    Checks.nonNull(service, "service");
  }

  /** What a socket speaks. */
  public sealed interface Protocol {
    /** Schema name of the member ({@code http}, {@code https}, ...). */
    String kindName();
  }

  /** Plain HTTP. */
  public record Http(HttpOptions options) implements Protocol {
    public Http {
      Checks.nonNull(options, "options");
    }

    @Override public String kindName() {
      return "http";
    }
  }

  /** HTTP over TLS. */
  public record Https(HttpOptions options, TlsOptions tlsOptions) implements Protocol {
    public Https {
      Checks.nonNull(options, "options");
      Checks.nonNull(tlsOptions, "tlsOptions");
    }

    @Override public String kindName() {
      return "https";
    }
  }

  /**
   * Raw TCP, optionally with TLS.
   *
   * @param tlsOptions TLS settings; empty for plain TCP
   * @param tlsMode {@code implicit} or {@code startTls}
   */
  public record Tcp(java.util.Optional<TlsOptions> tlsOptions, String tlsMode) implements Protocol {
    public Tcp {
      Checks.opt(tlsOptions, "tlsOptions");
      Checks.nonNull(tlsMode, "tlsMode");
    }

    @Override public String kindName() {
      return "tcp";
    }
  }

  /** UDP (capmesh's runner refuses it). */
  public record Udp(long idleTimeoutMs, long maxPendingBytes) implements Protocol {
    @Override public String kindName() {
      return "udp";
    }
  }
}
