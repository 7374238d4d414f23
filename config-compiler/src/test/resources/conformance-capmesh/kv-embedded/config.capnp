# KV namespaces on the embedded store: default path and an explicit one.
using Capmesh = import "/capmesh/capmesh.capnp";

const config :Capmesh.Config = (
  services = [
    (name = "app", worker = (
      modules = [ (name = "app.js", esModule = embed "app.js") ],
      compatibilityDate = "2024-06-01",
      bindings = [
        (name = "CACHE", kvNamespace = (name = "cache")),
        (name = "SESSIONS", kvNamespace = (name = "sessions")),
      ],
    )),
    (name = "cache", kv = ()),
    (name = "sessions", kv = (embedded = (path = "kv/sessions"))),
  ],
  sockets = [ (name = "http", address = "127.0.0.1:8080", http = (), service = (name = "app")) ],
);
