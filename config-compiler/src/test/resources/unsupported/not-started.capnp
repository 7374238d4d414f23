using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
    (name = "base", worker = (modules = [(name = "w.js", esModule = "export default {}")], compatibilityDate = "2024-09-01", bindings = [(name = "DB", parameter = (type = (kvNamespace = void))), (name = "K", cryptoKey = (raw = 0x"00", algorithm = (name = "HMAC"), usages = [sign]))])),
    (name = "db", kv = (embedded = (path = "/tmp/db"))),
    (name = "main", worker = (modules = [(name = "w.js", esModule = "export default {}")], compatibilityDate = "2024-09-01", bindings = [(name = "T", text = "t")])),
  ],
  sockets = [(name = "web", address = "127.0.0.1:8080", http = (), service = "main")],
);
const spare :Workerd.Worker = (modules = [(name = "w.js", esModule = "export default {}")], compatibilityDate = "2024-09-01", bindings = [(name = "DB", kvNamespace = "db")]);
