# One app, two environments: the parameters are filled by dev and prod services.
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "app-dev", worker = .authDev),
    (name = "app-prod", worker = .authProd),
    (name = "auth-dev", worker = (modules = [(name = "a.js", esModule = "export default {}")], compatibilityDate = "2024-09-01")),
    (name = "auth-prod", worker = (modules = [(name = "a.js", esModule = "export default {}")], compatibilityDate = "2024-09-01")),
    (name = "users-dev", kv = (embedded = (path = "/tmp/users-dev"))),
    (name = "users-prod", kv = (redis = (url = "redis://127.0.0.1:6379", keyPrefix = "users:"))),
  ],
  sockets = [
    (name = "dev", address = "127.0.0.1:8080", http = (), service = "app-dev"),
    (name = "prod", address = "127.0.0.1:8081", http = (), service = "app-prod"),
  ],
);

const app :Workerd.Worker = (
  modules = [(name = "app.js", esModule = "export default { fetch() { return new Response('hi') } }")],
  compatibilityDate = "2024-09-01",
  compatibilityFlags = ["nodejs_compat"],
  bindings = [
    (name = "AUTH", parameter = (type = (service = void))),
    (name = "USERS", parameter = (type = (kvNamespace = void))),
    (name = "TRACE", parameter = (type = (text = void), optional = true)),
    (name = "GREETING", text = "hello"),
  ],
);

const authDev :Workerd.Worker = (inherit = "app", bindings = [
  (name = "AUTH", service = "auth-dev"),
  (name = "USERS", kvNamespace = "users-dev"),
  (name = "TRACE", text = "on"),
]);

const authProd :Workerd.Worker = (inherit = "app", bindings = [
  (name = "AUTH", service = "auth-prod"),
  (name = "USERS", kvNamespace = "users-prod"),
]);
