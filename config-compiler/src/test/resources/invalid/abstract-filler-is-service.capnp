using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "auth", worker = (modules = [(name = "w.js", esModule = "export default {}")], compatibilityDate = "2024-09-01")),
    (name = "main", worker = .base),
    (name = "main-dev", worker = (inherit = "base", bindings = [(name = "AUTH", service = "auth")]))
  ],
  sockets = [
    (name = "http", address = "127.0.0.1:8080", http = (), service = "main")
  ],
);
const base :Workerd.Worker = (modules = [(name = "w.js", esModule = "export default {}")], compatibilityDate = "2024-09-01", bindings = [(name = "AUTH", parameter = (type = (service = void)))]);
