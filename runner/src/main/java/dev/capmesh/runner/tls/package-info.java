/**
 * TLS for sockets and egress, from a plan's {@code TlsSpec} (workerd's {@code TlsOptions}): Netty
 * {@code SslContext}s built from the PEM key material the plan carries, trust stores with
 * workerd's meaning of {@code trustBrowserCas} and {@code trustedCertificates}, and the
 * translation of a refused certificate into one sentence that names the cause.
 */
@NullMarked
package dev.capmesh.runner.tls;

import org.jspecify.annotations.NullMarked;
