# Test config: secrets and environment bindings, and workers that hit the runner's limits.
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "main", worker = (
      modules = [ (name = "main.js", esModule = embed "main.js") ],
      compatibilityDate = "2024-09-01",
      bindings = [
        (name = "API_KEY", secret = "sk-live-7f3a9c1e5b"),
        (name = "REGION", fromEnvironment = "CAPMESH_TEST_REGION"),
      ],
    )),
  ],
  sockets = [ (name = "http", address = "127.0.0.1:8080", http = (), service = "main") ],
);
