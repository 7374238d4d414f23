package dev.capmesh.runner.egress;

import static java.util.Objects.requireNonNull;

import io.netty.handler.ssl.SslContext;
import java.net.InetSocketAddress;
import org.jspecify.annotations.Nullable;

/**
 * Where an egress request goes: exactly this (already checked, resolved) address, over TLS when
 * {@code tls} is set. Also the key of the connection pool: connections are reused only for an
 * equal target, so never across TLS settings or names verified.
 *
 * @param address the resolved address to connect to
 * @param tls the TLS to speak, or null for plain http
 */
public record EgressTarget(InetSocketAddress address, @Nullable Tls tls) {
  public EgressTarget {
    requireNonNull(address, "address");
    if (address.isUnresolved()) {
      throw new IllegalArgumentException("address: " + address + " (expected: resolved)");
    }
  }

  /** Plain http to {@code address}. */
  public static EgressTarget plain(InetSocketAddress address) {
    return new EgressTarget(address, null);
  }

  /**
   * TLS to a server: the client context (trust, versions, client certificate) and the name its
   * certificate must carry, which is also sent as SNI when it is a DNS name. The name is only
   * compared with the certificate, never resolved.
   *
   * @param context a client context (compared by identity: one per service)
   * @param peerHost a DNS name or an IP literal (IPv6 without brackets)
   */
  public record Tls(SslContext context, String peerHost) {
    public Tls {
      requireNonNull(context, "context");
      requireNonNull(peerHost, "peerHost");
      if (!context.isClient()) {
        throw new IllegalArgumentException("context: a server context (expected: a client context)");
      }
    }
  }
}
