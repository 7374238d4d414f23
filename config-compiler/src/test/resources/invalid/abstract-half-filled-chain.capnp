using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "auth", worker = (modules = [(name = "w.js", esModule = "export default {}")], compatibilityDate = "2024-09-01", bindings = [(name = "MAIN", service = "main")])),
    (name = "main", worker = .half)
  ],
);
const base :Workerd.Worker = (modules = [(name = "w.js", esModule = "export default {}")], compatibilityDate = "2024-09-01", bindings = [(name = "AUTH", parameter = (type = (service = void))), (name = "LOG", parameter = (type = (service = void)))]);
const half :Workerd.Worker = (inherit = "base", bindings = [(name = "AUTH", service = "auth")]);
const full :Workerd.Worker = (inherit = "half", bindings = [(name = "LOG", service = "auth")]);
