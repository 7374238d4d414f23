# Multi-tenant: every customer gets its own bucket and KV namespace. One abstract worker,
# `customerWorker`, declares what a tenant needs as parameters; each tenant's service is derived
# from it with `inherit` and fills them with that tenant's own storage. A tenant's worker holds
# only its own bindings, so nothing it runs can name another tenant's objects or keys.
using Workerd = import "/workerd/workerd.capnp";

const customerWorker :Workerd.Worker = (
  modules = [ (name = "customer.js", esModule = embed "customer.js") ],
  compatibilityDate = "2024-09-01",
  bindings = [
    (name = "TENANT", parameter = (type = (text = void))),
    (name = "FILES", parameter = (type = (r2Bucket = void))),
    (name = "SETTINGS", parameter = (type = (kvNamespace = void))),
  ],
);

const config :Workerd.Config = (
  services = [
    (name = "acme", worker = (inherit = "customerWorker", bindings = [
      (name = "TENANT", text = "acme"),
      (name = "FILES", r2Bucket = "acme-files"),
      (name = "SETTINGS", kvNamespace = "acme-settings"),
    ])),
    (name = "globex", worker = (inherit = "customerWorker", bindings = [
      (name = "TENANT", text = "globex"),
      (name = "FILES", r2Bucket = "globex-files"),
      (name = "SETTINGS", kvNamespace = "globex-settings"),
    ])),
    # Embedded stores under --data-dir: DATA_DIR/storage/acme-files, DATA_DIR/kv/acme-settings, ...
    (name = "acme-files", storage = ()),
    (name = "acme-settings", kv = ()),
    (name = "globex-files", storage = ()),
    (name = "globex-settings", kv = ()),
  ],
  sockets = [
    (name = "acme", address = "127.0.0.1:8080", http = (), service = "acme"),
    (name = "globex", address = "127.0.0.1:8081", http = (), service = "globex"),
  ],
);
