using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "main", worker = (inherit = "custmerWorker"))
  ],
);
const customerWorker :Workerd.Worker = (modules = [(name = "w.js", esModule = "export default {}")], compatibilityDate = "2024-09-01");
