using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [(name = "w", worker = (
    compatibilityDate = "2024-01-01",
    modules = [(name = "m", esModule = "export default {}")],
    bindings = [(name = "P", parameter = 5)]))]
);
