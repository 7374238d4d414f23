# SSRF-proof dispatch: the gateway can reach exactly the services bound to it.
using Workerd = import "/workerd/workerd.capnp";

const backend :Workerd.Worker = (
  modules = [ (name = "backend.js", esModule = embed "backend.js") ],
  compatibilityDate = "2024-09-01",
  bindings = [ (name = "NAME", parameter = (type = (text = void))) ],
);

const config :Workerd.Config = (
  services = [
    (name = "gateway", worker = (
      modules = [ (name = "gateway.js", esModule = embed "gateway.js") ],
      compatibilityDate = "2024-09-01",
      bindings = [
        (name = "USERS", service = "users"),
        (name = "ORDERS", service = "orders"),
      ],
      # No globalOutbound: fetch() of any URL is refused.
    )),
    (name = "users", worker = (inherit = "backend", bindings = [ (name = "NAME", text = "users") ])),
    (name = "orders", worker = (inherit = "backend", bindings = [ (name = "NAME", text = "orders") ])),
    (name = "admin", worker = (inherit = "backend", bindings = [ (name = "NAME", text = "admin") ])),
  ],
  sockets = [ (name = "http", address = "127.0.0.1:8080", http = (), service = "gateway") ],
);
