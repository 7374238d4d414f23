# External servers over HTTPS and raw TCP (with and without TLS).
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "secure", external = (
      address = "api.example.com:443",
      https = (
        options = (style = host),
        tlsOptions = (trustBrowserCas = true, minVersion = tls1Dot2),
        certificateHost = "api.example.com",
      ),
    )),
    (name = "secure-defaults", external = (address = "10.0.0.1:443", https = ())),
    (name = "db", external = (address = "10.0.0.2:5432", tcp = ())),
    (name = "db-tls", external = (address = "10.0.0.3:5432", tcp = (tlsOptions = (trustedCertificates = ["-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"]), certificateHost = "db.internal"))),
  ],
);
