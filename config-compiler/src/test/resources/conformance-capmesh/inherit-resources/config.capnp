# An abstract worker with resource parameters, filled by derived workers per tenant.
using Capmesh = import "/capmesh/capmesh.capnp";

const config :Capmesh.Config = (
  services = [
    (name = "tenant-a", worker = (inherit = "tenantWorker", bindings = [
      (name = "KV", kvNamespace = (name = "kv-a")), (name = "FILES", r2Bucket = (name = "files-a")), (name = "KEY", secret = "a-key") ])),
    (name = "tenant-b", worker = (inherit = "tenantWorker", bindings = [
      (name = "KV", kvNamespace = (name = "kv-b")), (name = "KEY", secret = "b-key") ])),
    (name = "kv-a", kv = (redis = (url = "redis://127.0.0.1:6379", keyPrefix = "a:"))),
    (name = "kv-b", kv = (redis = (url = "redis://127.0.0.1:6379", keyPrefix = "b:"))),
    (name = "files-a", storage = (embedded = (path = "tenants/a"))),
  ],
);

const tenantWorker :Capmesh.Worker = (
  modules = [ (name = "tenant.js", esModule = "export default {};") ],
  compatibilityDate = "2024-06-01",
  bindings = [
    (name = "KV", parameter = (type = (kvNamespace = void))),
    (name = "FILES", parameter = (type = (r2Bucket = void), optional = true)),
    (name = "KEY", parameter = (type = (text = void))),
  ],
);
