using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "base", worker = (modules = [(name = "w.js", esModule = "export default {}")], compatibilityDate = "2024-09-01", bindings = [(name = "GREETING", text = "hi")])),
    (name = "main", worker = (inherit = "base", bindings = [(name = "COLOR", text = "red")]))
  ],
);
