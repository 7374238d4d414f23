# Every field with a default, written out with its default value.
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  structuredLogging = false,
  logging = (structuredLogging = false),
  cluster = (unsafePublicAddress = false, stopTimeoutMs = 8000, unsafeTimeDivisor = 1),
  services = [
    (name = "w", worker = (
      modules = [ (name = "w.js", esModule = "export default {};") ],
      compatibilityDate = "2024-01-01",
      globalOutbound = (name = "internet"),
      bindings = [
        (name = "wrapped", wrapped = (moduleName = "m", entrypoint = "default")),
        (name = "key", cryptoKey = (hex = "00", algorithm = (name = "HMAC"), extractable = false)),
      ],
    )),
    (name = "internet", network = (allow = ["public"])),
    (name = "disk", disk = (path = "/d", writable = false, allowDotfiles = false)),
    (name = "ext", external = (address = "1.2.3.4:80", http = (style = host))),
    (name = "tls", external = (address = "1.2.3.4:443", https = (tlsOptions = (requireClientCerts = false, trustBrowserCas = false, minVersion = goodDefault)))),
  ],
  sockets = [
    (name = "tcp", address = "*:1", tcp = (tlsMode = implicit), service = "w"),
    (name = "udp", address = "*:2", udp = (idleTimeoutMs = 30000, maxPendingBytes = 262144), service = "w"),
  ],
  extensions = [ (modules = [ (name = "ext:m", internal = false, esModule = "export {};") ]) ],
);
