# Three workers in a chain: front -> middle -> back, all over in-process service bindings.
# Only "front" listens on a socket; the others are reachable only through bindings.
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "front", worker = (
      modules = [ (name = "front.js", esModule = embed "front.js") ],
      compatibilityDate = "2024-09-01",
      bindings = [ (name = "MIDDLE", service = "middle") ],
    )),
    (name = "middle", worker = (
      modules = [ (name = "middle.js", esModule = embed "middle.js") ],
      compatibilityDate = "2024-09-01",
      bindings = [ (name = "BACK", service = "back") ],
    )),
    (name = "back", worker = (
      modules = [ (name = "back.js", esModule = embed "back.js") ],
      compatibilityDate = "2024-09-01",
    )),
  ],
  sockets = [ (name = "http", address = "127.0.0.1:8080", http = (), service = "front") ],
);
