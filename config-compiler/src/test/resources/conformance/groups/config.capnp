# Groups: https/tcp/udp socket groups, hyperdrive, memoryCache, parameter, workerLoader.
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "g", worker = (
      modules = [ (name = "g.js", esModule = "export default {};") ],
      compatibilityDate = "2024-01-01",
      bindings = [
        (name = "HD", hyperdrive = (designator = (name = "pg"), database = "db", user = "u", password = "p", scheme = "postgres")),
        (name = "HD_PARTIAL", hyperdrive = (database = "only-db")),
        (name = "MC", memoryCache = (id = "mc")),
        (name = "MC_LIMITS", memoryCache = (limits = (maxKeys = 10))),
        (name = "P", parameter = (type = (text = void), optional = true)),
        (name = "WL", workerLoader = (id = "wl")),
      ],
    )),
    (name = "pg", external = (address = "127.0.0.1:5432", tcp = (certificateHost = "pg.local"))),
  ],
  sockets = [
    (name = "s-https", address = "*:443", https = (options = (style = proxy), tlsOptions = (cipherList = "HIGH")), service = "g"),
    (name = "s-tcp", address = "*:444", tcp = (tlsOptions = (minVersion = tls1Dot1)), service = "g"),
    (name = "s-udp", address = "*:445", udp = (idleTimeoutMs = 1), service = "g"),
  ],
);
