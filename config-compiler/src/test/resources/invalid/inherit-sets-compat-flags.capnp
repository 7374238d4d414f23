using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "base", worker = (modules = [(name = "w.js", esModule = "export default {}")], compatibilityDate = "2024-09-01")),
    (name = "main", worker = (inherit = "base", compatibilityFlags = ["nodejs_compat"]))
  ],
);
