using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "db", kv = (embedded = (path = "/tmp/db"))),
    (name = "kvmock", worker = .mock),
    (name = "main", worker = (modules = [(name = "w.js", esModule = "export default {}")], compatibilityDate = "2024-09-01", bindings = [(name = "DB", kvNamespace = "kvmock")], tails = ["kvmock"]))
  ],
);
const mock :Workerd.Worker = (modules = [(name = "w.js", esModule = "export default {}")], compatibilityDate = "2024-09-01", bindings = [(name = "STORE", parameter = (type = (kvNamespace = void)))]);
const mockA :Workerd.Worker = (inherit = "kvmock", bindings = [(name = "STORE", kvNamespace = "db")]);
