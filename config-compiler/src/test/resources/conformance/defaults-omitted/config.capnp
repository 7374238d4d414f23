# The same shapes with every defaulted field left out.
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  logging = (),
  cluster = (),
  services = [
    (name = "w", worker = (
      modules = [ (name = "w.js", esModule = "export default {};") ],
      compatibilityDate = "2024-01-01",
      bindings = [
        (name = "wrapped", wrapped = (moduleName = "m")),
        (name = "key", cryptoKey = (hex = "00", algorithm = (name = "HMAC"))),
      ],
    )),
    (name = "internet", network = ()),
    (name = "disk", disk = (path = "/d")),
    (name = "ext", external = (address = "1.2.3.4:80", http = ())),
    (name = "tls", external = (address = "1.2.3.4:443", https = (tlsOptions = ()))),
  ],
  sockets = [
    (name = "tcp", address = "*:1", tcp = (), service = "w"),
    (name = "udp", address = "*:2", udp = (), service = "w"),
  ],
  extensions = [ (modules = [ (name = "ext:m", esModule = "export {};") ]) ],
);
