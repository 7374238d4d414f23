using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
    (name = "main", worker = (modules = [(name = "w.js", esModule = "export default {}")], compatibilityDate = "2024-09-01", bindings = [(name = "API", service = "api")], globalOutbound = "net")),
    (name = "api", external = (address = "127.0.0.1:9443", https = (tlsOptions = (
        trustedCertificates = ["not a certificate", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"],
        cipherList = "HIGH:!aNULL")))),
    (name = "net", network = (allow = ["private"], tlsOptions = (trustBrowserCas = true, cipherList = "ECDHE-RSA-RC4-SHA"))),
  ],
  sockets = [
    (name = "web", address = "127.0.0.1:8443", service = "main", https = (tlsOptions = (
        keypair = (privateKey = "hunter2", certificateChain = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")))),
  ],
);
