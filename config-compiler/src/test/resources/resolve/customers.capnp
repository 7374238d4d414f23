# The multi-tenant example: one abstract worker, one derived worker per customer.
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "customer-a", worker = .customerA),
    (name = "customer-b", worker = .customerB),
    (name = "customer-a-db", kv = (embedded = (path = "/tmp/a"))),
    (name = "customer-b-db", kv = (embedded = (path = "/tmp/b"))),
  ],
  sockets = [
    (name = "a", address = "127.0.0.1:8080", http = (), service = "customer-a"),
    (name = "b", address = "127.0.0.1:8081", http = (), service = "customer-b"),
  ],
);

const customerWorker :Workerd.Worker = (
  modules = [(name = "app.js", esModule = "export default {}")],
  compatibilityDate = "2024-09-01",
  bindings = [(name = "DB", parameter = (type = (kvNamespace = void)))],
);

const customerA :Workerd.Worker = (inherit = "customerWorker",
  bindings = [(name = "DB", kvNamespace = "customer-a-db")]);
const customerB :Workerd.Worker = (inherit = "customerWorker",
  bindings = [(name = "DB", kvNamespace = "customer-b-db")]);
