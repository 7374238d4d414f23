using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (worker = (modules = [(name = "w.js", esModule = "export default {}")], compatibilityDate = "2024-09-01"))
  ],
);
