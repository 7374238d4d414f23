# The docs' multi-tenant snippet, serving the abstract worker directly: must fail helpfully.
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "tenant", worker = .customerWorker),
    (name = "customer-a-db", kv = (embedded = (path = "/tmp/a"))),
    (name = "customer-b-db", kv = (embedded = (path = "/tmp/b"))),
  ],
  sockets = [(name = "http", address = "127.0.0.1:8080", http = (), service = "tenant")],
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
