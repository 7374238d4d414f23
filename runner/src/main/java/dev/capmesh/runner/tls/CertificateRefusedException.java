package dev.capmesh.runner.tls;

import java.security.cert.CertificateException;

/**
 * A peer's certificate was refused; the message says why in one sentence ("the server's
 * certificate has expired: CN=api.test was valid until 2026-01-01T00:00:00Z").
 */
public final class CertificateRefusedException extends CertificateException {
  private static final long serialVersionUID = 1L;

  /** @param reason the sentence, without a trailing period */
  public CertificateRefusedException(String reason) {
    super(reason);
  }
}
