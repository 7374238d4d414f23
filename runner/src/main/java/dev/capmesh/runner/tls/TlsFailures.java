package dev.capmesh.runner.tls;

import io.netty.handler.ssl.SslHandshakeTimeoutException;
import java.util.Locale;
import javax.net.ssl.SSLException;
import org.jspecify.annotations.Nullable;

/**
 * Turns what a TLS library throws into one sentence for the worker and the log: why a
 * certificate was refused, which alert the peer sent, that the handshake timed out. Never a
 * stack trace, never a class name. Stateless.
 */
public final class TlsFailures {
  private TlsFailures() {}

  /**
   * The reason in {@code error}'s cause chain if it is a TLS failure, else null. Alerts a server
   * sends about a client certificate are explained ("it requires a client certificate").
   */
  public static @Nullable String describe(Throwable error) {
    SSLException ssl = null;
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof CertificateRefusedException r) {
        return r.getMessage();
      }
      if (t instanceof SslHandshakeTimeoutException) {
        return "the TLS handshake timed out";
      }
      if (t instanceof SSLException s && ssl == null) {
        ssl = s;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    if (ssl == null) {
      return null;
    }
    String m = String.valueOf(ssl.getMessage());
    String lower = m.toLowerCase(Locale.ROOT);
    if (lower.contains("certificate_required")) {
      return "the server requires a client certificate (alert certificate_required)";
    }
    if (lower.contains("bad_certificate") || lower.contains("unknown_ca")
        || lower.contains("certificate_unknown")) {
      int i = lower.indexOf("alert:");
      return "the peer refused the certificate (" + (i < 0 ? m : m.substring(i + 6).strip()) + ")";
    }
    if (lower.contains("no_application_protocol") || lower.contains("protocol_version")
        || lower.contains("handshake_failure") || lower.contains("no appropriate protocol")
        || lower.contains("no negotiable cipher")) {
      return "no TLS version or cipher suite in common (" + m + ")";
    }
    return "TLS failed: " + m;
  }
}
