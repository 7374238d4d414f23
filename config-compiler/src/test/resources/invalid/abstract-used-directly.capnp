using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "db", kv = (embedded = (path = "/tmp/db"))),
    (name = "db-b", kv = (embedded = (path = "/tmp/b"))),
    (name = "a", worker = .customerA),
    (name = "b", worker = .customerB),
    (name = "tenants", worker = .customerWorker)
  ],
  sockets = [
    (name = "http", address = "127.0.0.1:8080", http = (), service = "tenants")
  ],
);
const customerWorker :Workerd.Worker = (modules = [(name = "w.js", esModule = "export default {}")], compatibilityDate = "2024-09-01", bindings = [(name = "DB", parameter = (type = (kvNamespace = void)))]);
const customerA :Workerd.Worker = (inherit = "customerWorker", bindings = [(name = "DB", kvNamespace = "db")]);
const customerB :Workerd.Worker = (inherit = "customerWorker", bindings = [(name = "DB", kvNamespace = "db-b")]);
