# Sockets and bindings aimed at named entrypoints with props.
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [ (name = "rpc", worker = (
    modules = [ (name = "rpc.js", esModule = embed "rpc.js") ],
    compatibilityDate = "2024-04-03",
    bindings = [
      (name = "SELF_ADMIN", service = (name = "rpc", entrypoint = "Admin", props = (json = "{\"role\":\"admin\",\"n\":[1,2]}"))),
      (name = "SELF_DEFAULT", service = (name = "rpc", entrypoint = "default")),
    ],
  )) ],
  sockets = [
    (name = "public", address = "*:8080", http = (), service = (name = "rpc")),
    (name = "admin", address = "127.0.0.1:8081", http = (), service = (name = "rpc", entrypoint = "Admin", props = (json = "{}"))),
  ],
);
