# Every enumerant of every enum.
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "e", worker = (
      modules = [ (name = "e.js", esModule = "export default {};") ],
      compatibilityDate = "2024-01-01",
      bindings = [ (name = "K", cryptoKey = (raw = 0x"00", algorithm = (name = "X"),
        usages = [unwrapKey, wrapKey, deriveBits, deriveKey, verify, sign, decrypt, encrypt, sign])) ],
    )),
    (name = "v0", external = (address = "a:1", https = (tlsOptions = (minVersion = goodDefault)))),
    (name = "v1", external = (address = "a:1", https = (tlsOptions = (minVersion = ssl3)))),
    (name = "v2", external = (address = "a:1", https = (tlsOptions = (minVersion = tls1Dot0)))),
    (name = "v3", external = (address = "a:1", https = (tlsOptions = (minVersion = tls1Dot1)))),
    (name = "v4", external = (address = "a:1", https = (tlsOptions = (minVersion = tls1Dot2)))),
    (name = "v5", external = (address = "a:1", https = (tlsOptions = (minVersion = tls1Dot3)))),
    (name = "host", external = (address = "a:1", http = (style = host))),
    (name = "proxy", external = (address = "a:1", http = (style = proxy))),
  ],
  sockets = [
    (name = "t0", address = "*:1", tcp = (tlsMode = implicit), service = "e"),
    (name = "t1", address = "*:2", tcp = (tlsMode = startTls), service = "e"),
  ],
);
