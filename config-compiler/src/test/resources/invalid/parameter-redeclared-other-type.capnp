using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "main", worker = .child)
  ],
);
const base :Workerd.Worker = (modules = [(name = "w.js", esModule = "export default {}")], compatibilityDate = "2024-09-01", bindings = [(name = "DB", parameter = (type = (kvNamespace = void)))]);
const child :Workerd.Worker = (inherit = "base", bindings = [(name = "DB", parameter = (type = (r2Bucket = void), optional = true))]);
