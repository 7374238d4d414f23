# HTTPS sockets with keypairs and TLS settings.
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [ (name = "main", worker = (serviceWorkerScript = "addEventListener('fetch', e => e.respondWith(new Response('tls')));", compatibilityDate = "2023-01-01")) ],
  sockets = [
    (name = "https", address = "*:8443",
     https = (
       options = (forwardedProtoHeader = "X-Forwarded-Proto"),
       tlsOptions = (
         keypair = (privateKey = embed "key.pem", certificateChain = embed "cert.pem"),
         requireClientCerts = true,
         trustBrowserCas = false,
         trustedCertificates = [ embed "cert.pem" ],
         minVersion = tls1Dot3,
         cipherList = "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256",
       ),
     ),
     service = "main"),
    (name = "https-min", address = "*:9443", https = (tlsOptions = (keypair = (privateKey = "k", certificateChain = "c"))), service = (name = "main")),
  ],
);
