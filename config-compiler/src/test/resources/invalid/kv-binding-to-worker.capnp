using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "main", worker = (modules = [(name = "w.js", esModule = "export default {}")], compatibilityDate = "2024-09-01", bindings = [(name = "DB", kvNamespace = "other")])),
    (name = "other", worker = (modules = [(name = "w.js", esModule = "export default {}")], compatibilityDate = "2024-09-01"))
  ],
);
