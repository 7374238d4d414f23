package dev.capmesh.runner.tls;

import java.net.Socket;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.util.Date;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;
import org.jspecify.annotations.Nullable;

/**
 * The JDK's PKIX trust manager (chain, validity, and with the engine's endpoint identification the
 * host name), whose refusals are rewritten into a {@link CertificateRefusedException} that says
 * in one sentence why: an unknown issuer, an expired or not yet valid certificate, a name that
 * does not match. With no delegate it trusts nothing (a {@code tlsOptions} that trusts no CA).
 * Thread-safe.
 */
final class CheckingTrustManager extends X509ExtendedTrustManager {
  private final @Nullable X509ExtendedTrustManager delegate;
  private final String peer;

  /** @param peer whose certificates this judges: "server" or "client" */
  CheckingTrustManager(@Nullable X509ExtendedTrustManager delegate, String peer) {
    this.delegate = delegate;
    this.peer = peer;
  }

  @Override public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    try {
      required().checkServerTrusted(chain, authType, engine);
    } catch (CertificateException e) {
      throw refused(chain, e, engine.getPeerHost());
    }
  }

  @Override public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    try {
      required().checkClientTrusted(chain, authType, engine);
    } catch (CertificateException e) {
      throw refused(chain, e, null);
    }
  }

  @Override public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    try {
      required().checkServerTrusted(chain, authType, socket);
    } catch (CertificateException e) {
      throw refused(chain, e, null);
    }
  }

  @Override public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    try {
      required().checkClientTrusted(chain, authType, socket);
    } catch (CertificateException e) {
      throw refused(chain, e, null);
    }
  }

  @Override public void checkServerTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    try {
      required().checkServerTrusted(chain, authType);
    } catch (CertificateException e) {
      throw refused(chain, e, null);
    }
  }

  @Override public void checkClientTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    try {
      required().checkClientTrusted(chain, authType);
    } catch (CertificateException e) {
      throw refused(chain, e, null);
    }
  }

  @Override public X509Certificate[] getAcceptedIssuers() {
    return delegate == null ? new X509Certificate[0] : delegate.getAcceptedIssuers();
  }

  private X509ExtendedTrustManager required() throws CertificateException {
    if (delegate == null) {
      throw new CertificateRefusedException("the " + peer + "'s certificate cannot be trusted: "
          + "tlsOptions trusts no certificate authority (set trustBrowserCas = true or list the "
          + "CA in trustedCertificates)");
    }
    return delegate;
  }

  private CertificateRefusedException refused(X509Certificate[] chain, CertificateException e,
      @Nullable String host) {
    if (e instanceof CertificateRefusedException r) {
      return r;
    }
    String who = "the " + peer + "'s certificate";
    String subject = chain.length == 0 ? "none" : chain[0].getSubjectX500Principal().getName();
    Date now = new Date();
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof CertificateExpiredException || t instanceof CertPathValidatorException v
          && v.getReason() == CertPathValidatorException.BasicReason.EXPIRED) {
        X509Certificate bad = first(chain, c -> c.getNotAfter().before(now));
        return new CertificateRefusedException(who + " has expired" + (bad == null ? ""
            : ": " + bad.getSubjectX500Principal().getName() + " was valid until " + bad.getNotAfter().toInstant()));
      }
      if (t instanceof CertificateNotYetValidException || t instanceof CertPathValidatorException v
          && v.getReason() == CertPathValidatorException.BasicReason.NOT_YET_VALID) {
        X509Certificate bad = first(chain, c -> c.getNotBefore().after(now));
        return new CertificateRefusedException(who + " is not valid yet" + (bad == null ? ""
            : ": " + bad.getSubjectX500Principal().getName() + " is valid from " + bad.getNotBefore().toInstant()));
      }
      if (t instanceof CertPathBuilderException || t instanceof CertPathValidatorException) {
        String issuer = chain.length == 0 ? "" : " (" + subject + ", issued by "
            + chain[chain.length - 1].getIssuerX500Principal().getName() + ")";
        return new CertificateRefusedException(who + " is not signed by a trusted certificate "
            + "authority" + issuer);
      }
    }
    String message = String.valueOf(e.getMessage());
    if (message.startsWith("No subject alternative") || message.startsWith("No name matching")) {
      return new CertificateRefusedException(who + " (" + subject + ") does not match the host name"
          + (host == null ? "" : " \"" + host + "\""));
    }
    return new CertificateRefusedException(who + " (" + subject + ") was refused: " + message);
  }

  private static @Nullable X509Certificate first(X509Certificate[] chain,
      java.util.function.Predicate<X509Certificate> p) {
    for (X509Certificate c : chain) {
      if (p.test(c)) {
        return c;
      }
    }
    return null;
  }
}
