# A worker with egress: globalOutbound points at a network service with an allow list.
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "proxy", worker = (
      modules = [ (name = "worker.js", esModule = embed "worker.js") ],
      compatibilityDate = "2024-09-01",
      globalOutbound = "loopback-only",
    )),
    (name = "loopback-only", network = (allow = ["127.0.0.0/8"], deny = ["127.0.0.2/32"])),
  ],
  sockets = [ (name = "http", address = "127.0.0.1:8080", http = (), service = "proxy") ],
);
