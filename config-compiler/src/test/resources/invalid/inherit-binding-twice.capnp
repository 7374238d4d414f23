using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "base", worker = (modules = [(name = "w.js", esModule = "export default {}")], compatibilityDate = "2024-09-01", bindings = [(name = "A", text = "1")])),
    (name = "main", worker = (inherit = "base", bindings = [(name = "A", text = "2"), (name = "A", text = "3")]))
  ],
);
