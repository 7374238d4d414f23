package dev.capmesh.schema.model;

import java.util.List;
import java.util.Optional;

/**
 * TLS settings of a socket, an external server or a network service.
 *
 * @param keypair private key and certificate chain (PEM), if any
 * @param requireClientCerts whether clients must present a certificate
 * @param trustBrowserCas whether the usual public CAs are trusted
 * @param trustedCertificates extra trusted certificates (PEM)
 * @param minVersion lowest protocol version, by workerd's enumerant name ({@code goodDefault}, ...)
 * @param cipherList OpenSSL cipher list, if set
 */
public record TlsOptions(
    Optional<Keypair> keypair,
    boolean requireClientCerts,
    boolean trustBrowserCas,
    List<String> trustedCertificates,
    String minVersion,
    Optional<String> cipherList) {

  public TlsOptions {
    Checks.opt(keypair, "keypair");
    trustedCertificates = Checks.list(trustedCertificates, "trustedCertificates");
    Checks.nonNull(minVersion, "minVersion");
    Checks.opt(cipherList, "cipherList");
  }

  /**
   * A PEM key pair.
   *
   * @param privateKey the private key
   * @param certificateChain the certificate chain
   */
  public record Keypair(String privateKey, String certificateChain) {
    public Keypair {
      Checks.nonNull(privateKey, "privateKey");
      Checks.nonNull(certificateChain, "certificateChain");
    }

    @Override
    public String toString() {
      return "Keypair[privateKey=<redacted>]";
    }
  }
}
