using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
    (name = "base", worker = (modules = [(name = "m", esModule = "export default {}")],
                              compatibilityDate = "2024-01-01")),
    (name = "child", worker = (inherit = "base", modules = [(name = "m", esModule = "x")]))]
);
