# The newer shorthand: a struct whose first field is Text written as a bare string.
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "main", worker = (
      modules = [ (name = "m.js", esModule = "export default {};") ],
      compatibilityDate = "2024-01-01",
      globalOutbound = "internet",
      cacheApiOutbound = "cache",
      tails = ["tail"],
      streamingTails = ["tail", "tail2"],
      bindings = [
        (name = "S", service = "backend"),
        (name = "KV", kvNamespace = "kv"),
        (name = "R2", r2Bucket = "r2"),
        (name = "Q", queue = "q"),
        (name = "AE", analyticsEngine = "ae"),
        (name = "DO", durableObjectNamespace = "Counter"),
        (name = "DOC", durableObjectClass = "backend"),
        (name = "HD", hyperdrive = (designator = "pg")),
      ],
    )),
    (name = "backend", disk = "/srv/backend"),
    (name = "internet", network = (allow = ["public"])),
  ],
  sockets = [ (name = "http", address = "*:80", http = (), service = "main") ],
);
