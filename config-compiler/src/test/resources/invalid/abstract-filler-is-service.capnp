using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "auth", worker = (modules = [(name = "w.js", esModule = "export default {}")], compatibilityDate = "2024-09-01")),
    (name = "main", worker = .base),
    (name = "main-dev", worker = (inherit = "base", bindings = [(name = "AUTH", service = "auth")]))
  ],
);
const base :Workerd.Worker = (modules = [(name = "w.js", esModule = "export default {}")], compatibilityDate = "2024-09-01", bindings = [(name = "AUTH", parameter = (type = (service = void)))]);
