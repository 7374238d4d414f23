using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "main", worker = (inherit = "base", bindings = [])),
    (name = "front", worker = (modules = [(name = "w.js", esModule = "export default {}")], compatibilityDate = "2024-09-01", bindings = [(name = "ROOMS", durableObjectNamespace = (className = "Room", serviceName = "main"))]))
  ],
);
const base :Workerd.Worker = (modules = [(name = "w.js", esModule = "export default {}")], compatibilityDate = "2024-09-01", bindings = [(name = "AUTH", parameter = (type = (service = void)))], durableObjectNamespaces = [(className = "Room", uniqueKey = "k")]);
