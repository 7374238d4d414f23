# JS RPC between two workers: app calls auth's `Auth` entrypoint; `props` reach ctx.props.
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "app", worker = (
      modules = [ (name = "app.js", esModule = embed "app.js") ],
      compatibilityDate = "2024-09-01",
      bindings = [
        (name = "AUTH", service = (name = "auth", entrypoint = "Auth",
                                   props = (json = "{\"tenant\": \"acme\"}"))),
      ],
    )),
    (name = "auth", worker = (
      modules = [ (name = "auth.js", esModule = embed "auth.js") ],
      compatibilityDate = "2024-09-01",
    )),
  ],
  sockets = [ (name = "http", address = "127.0.0.1:8080", http = (), service = "app") ],
);
