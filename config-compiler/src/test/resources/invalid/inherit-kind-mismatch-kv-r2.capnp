using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "base", worker = (modules = [(name = "w.js", esModule = "export default {}")], compatibilityDate = "2024-09-01", bindings = [(name = "DATA", kvNamespace = "db")])),
    (name = "db", kv = (embedded = (path = "/tmp/db"))),
    (name = "files", storage = (embedded = (path = "/tmp/files"))),
    (name = "main", worker = (inherit = "base", bindings = [(name = "DATA", r2Bucket = "files")]))
  ],
);
