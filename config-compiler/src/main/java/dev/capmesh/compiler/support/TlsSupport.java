package dev.capmesh.compiler.support;

import dev.capmesh.compiler.support.RunnerSupport.Unsupported;
import dev.capmesh.crypto.TlsKeys;
import dev.capmesh.crypto.TlsPolicy;
import dev.capmesh.schema.model.TlsOptions;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;

/**
 * The TLS half of {@link RunnerSupport}: what the runner would refuse in a {@code tlsOptions}
 * (errors: a malformed PEM key or certificate, a key that does not belong to its certificate, a
 * cipher list it cannot map) and what it serves but will not work as probably meant (warnings:
 * trusting no certificate authority, a minVersion below TLS 1.2, a server certificate outside
 * its validity). Uses the same parsers as the runner ({@link TlsKeys}, {@link TlsPolicy}), so
 * check and serve agree. Stateless.
 */
final class TlsSupport {
  private TlsSupport() {}

  /** The role a {@code tlsOptions} plays, which decides what it must hold. */
  enum Role {
    /** An https socket: a key pair is required; trust applies to client certificates. */
    SERVER,
    /** An https external service or a network service: trust applies to the server's certificate. */
    CLIENT
  }

  /** Errors of {@code tls}, written on {@code where}'s behalf, e.g. {@code Socket "web"}. */
  static void errors(String label, TlsOptions tls, Role role, List<Unsupported> out) {
    String prefix = label + "'s tlsOptions: ";
    tls.keypair().ifPresent(kp -> {
      String problem = TlsKeys.keyPairProblem(kp.privateKey(), kp.certificateChain());
      if (problem != null) {
        String field = problem.startsWith("certificateChain") ? "certificateChain" : "privateKey";
        out.add(new Unsupported(tls, field, prefix + problem + ".", null));
      }
    });
    List<String> trusted = tls.trustedCertificates();
    for (int i = 0; i < trusted.size(); i++) {
      try {
        TlsKeys.certificates(trusted.get(i), "trustedCertificates[" + i + "]");
      } catch (IllegalArgumentException e) {
        out.add(new Unsupported(tls, "trustedCertificates." + i, prefix + e.getMessage() + ".", null));
      }
    }
    tls.cipherList().ifPresent(list -> {
      String problem = TlsPolicy.cipherListProblem(list);
      if (problem != null) {
        out.add(new Unsupported(tls, "cipherList", prefix + problem + ".",
            "list suites by name, e.g. \"ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES128-GCM-SHA256\""));
      }
    });
  }

  /** Warnings of {@code tls} ({@code tls} empty: the defaults, as for {@code https = ()}). */
  static void warnings(String label, Object where, TlsOptions tls, boolean written, Role role,
      List<Unsupported> out) {
    boolean trustsNothing = !tls.trustBrowserCas() && tls.trustedCertificates().isEmpty();
    if (role == Role.CLIENT && trustsNothing) {
      out.add(new Unsupported(written ? tls : where, written ? "" : "kind", label
          + " trusts no certificate authority, so every connection it makes over TLS fails "
          + "(as in workerd, trustBrowserCas is false unless set).",
          "set tlsOptions = (trustBrowserCas = true) for a server with a public certificate, or "
              + "list its CA in trustedCertificates"));
    }
    if (role == Role.SERVER && tls.requireClientCerts() && trustsNothing) {
      out.add(new Unsupported(tls, "requireClientCerts", label + " requires client certificates "
          + "but trusts no certificate authority, so every client is refused.",
          "list the clients' CA in trustedCertificates"));
    }
    String note = TlsPolicy.versionNote(tls.minVersion());
    if (note != null) {
      out.add(new Unsupported(tls, "minVersion", label + "'s " + note + ".", null));
    }
    if (role == Role.SERVER && tls.keypair().isPresent()) {
      try {
        X509Certificate leaf = TlsKeys.keyPair(tls.keypair().get().privateKey(),
            tls.keypair().get().certificateChain()).chain().get(0);
        Instant now = Instant.now();
        String subject = leaf.getSubjectX500Principal().getName();
        if (leaf.getNotAfter().toInstant().isBefore(now)) {
          out.add(new Unsupported(tls, "certificateChain", label + "'s certificate (" + subject
              + ") expired on " + leaf.getNotAfter().toInstant() + "; clients will refuse it.", null));
        } else if (leaf.getNotBefore().toInstant().isAfter(now)) {
          out.add(new Unsupported(tls, "certificateChain", label + "'s certificate (" + subject
              + ") is not valid before " + leaf.getNotBefore().toInstant()
              + "; clients will refuse it until then.", null));
        }
      } catch (IllegalArgumentException e) {
        // an error already
      }
    }
  }
}
