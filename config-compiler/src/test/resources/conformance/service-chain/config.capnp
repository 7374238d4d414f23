# Three workers calling each other through service bindings.
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "frontend", worker = .frontend),
    (name = "api", worker = .api),
    (name = "auth", worker = .auth),
  ],
  sockets = [ (name = "http", address = "127.0.0.1:8080", http = (), service = "frontend") ],
);

const frontend :Workerd.Worker = (
  modules = [ (name = "frontend.js", esModule = embed "frontend.js") ],
  compatibilityDate = "2024-05-01",
  bindings = [
    (name = "API", service = "api"),
    (name = "ADMIN", service = (name = "api", entrypoint = "Admin")),
  ],
);

const api :Workerd.Worker = (
  modules = [ (name = "api.js", esModule = embed "api.js") ],
  compatibilityDate = "2024-05-01",
  bindings = [
    (name = "AUTH", service = (name = "auth", props = (json = "{\"caller\":\"api\"}"))),
  ],
);

const auth :Workerd.Worker = (
  modules = [ (name = "auth.js", esModule = "export default { fetch() { return new Response('ok'); } };") ],
  compatibilityDate = "2024-05-01",
);
