using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "main", worker = .child)
  ],
);
const base :Workerd.Worker = (modules = [(name = "w.js", esModule = "export default {}")], compatibilityDate = "2024-09-01", bindings = [(name = "KEY", parameter = (type = (cryptoKey = [sign, verify])))]);
const child :Workerd.Worker = (inherit = "base", bindings = [(name = "KEY", cryptoKey = (hex = "00ff", algorithm = (name = "HMAC"), usages = [verify]))]);
