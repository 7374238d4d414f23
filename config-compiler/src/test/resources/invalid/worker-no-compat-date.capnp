using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "main", worker = (modules = [(name = "w.js", esModule = "export default {}")])),
    (name = "sw", worker = (serviceWorkerScript = "addEventListener('fetch', e => {})")),
    (name = "empty", worker = (modules = [(name = "w.js", esModule = "export default {}")], compatibilityDate = "")),
    (name = "child", worker = (inherit = "main"))
  ],
);
