# Benchmark: a worker using dates, Intl, a Unicode regular expression and random ids
# (typical.js), identical for workerd and capmesh.
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "main", worker = (
      modules = [ (name = "typical.js", esModule = embed "typical.js") ],
      compatibilityDate = "2024-09-01",
    )),
  ],
  sockets = [ (name = "http", address = "127.0.0.1:8080", http = (), service = "main") ],
);
