# Static files: a worker in front of a read-only disk service.
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "site", worker = (
      modules = [ (name = "worker.js", esModule = embed "worker.js") ],
      compatibilityDate = "2024-09-01",
      bindings = [ (name = "ASSETS", service = "public-files") ],
    )),
    (name = "public-files", disk = (path = "public", writable = false)),
  ],
  sockets = [ (name = "http", address = "127.0.0.1:8080", http = (), service = "site") ],
);
