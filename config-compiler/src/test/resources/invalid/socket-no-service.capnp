using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "main", worker = (modules = [(name = "w.js", esModule = "export default {}")], compatibilityDate = "2024-09-01"))
  ],
  sockets = [
    (name = "http", address = "127.0.0.1:8080", http = ())
  ],
);
