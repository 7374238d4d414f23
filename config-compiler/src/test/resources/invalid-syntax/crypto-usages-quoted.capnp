using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [(name = "w", worker = (
    compatibilityDate = "2024-01-01",
    modules = [(name = "m", esModule = "export default {}")],
    bindings = [(name = "KEY", cryptoKey = (raw = 0x"0011", algorithm = (name = "HMAC"),
                                            usages = ["sign", "verify"]))]))]
);
