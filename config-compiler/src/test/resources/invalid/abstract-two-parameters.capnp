using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "main", worker = .base),
    (name = "front", worker = (modules = [(name = "w.js", esModule = "export default {}")], compatibilityDate = "2024-09-01", globalOutbound = "main"))
  ],
);
const base :Workerd.Worker = (modules = [(name = "w.js", esModule = "export default {}")], compatibilityDate = "2024-09-01", bindings = [(name = "AUTH", parameter = (type = (service = void))), (name = "DB", parameter = (type = (kvNamespace = void)))]);
