# The same schema reached through the workerd import path, with capmesh extensions.
@0xf1d2c3b4a5968778;
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "app", worker = (
      modules = [ (name = "app.js", esModule = "export default {};") ],
      compatibilityDate = "2024-06-01",
      bindings = [ (name = "KV", kvNamespace = (name = "kv")), (name = "TOKEN", secret = "s3cr3t") ],
    )),
    (name = "kv", kv = (embedded = (path = ""))),
  ],
);
