# Hello world in service-worker syntax: bindings are globals instead of `env`.
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "main", worker = (
      serviceWorkerScript = embed "worker.js",
      compatibilityDate = "2024-09-01",
      bindings = [ (name = "GREETING", text = "friend") ],
    )),
  ],
  sockets = [ (name = "http", address = "127.0.0.1:8080", http = (), service = "main") ],
);
