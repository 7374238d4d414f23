using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
    (name = "main", worker = (modules = [(name = "w.js", esModule = "export default {}")], compatibilityDate = "2024-09-01", bindings = [(name = "API", service = "api")], globalOutbound = "tcpOut")),
    (name = "api", external = (address = "127.0.0.1:9443", https = ())),
    (name = "tcpOut", external = (address = "127.0.0.1:9000", tcp = ())),
    (name = "unusedTls", external = (address = "127.0.0.1:9444", https = ())),
    (name = "www", disk = (path = "/srv")),
    (name = "net", network = (allow = ["public"])),
    (name = "plain", external = (address = "127.0.0.1:8000")),
  ],
  sockets = [
    (name = "web", address = "127.0.0.1:8080", http = (), service = "main"),
    (name = "dns", address = "127.0.0.1:5353", udp = (), service = "main"),
    (name = "static", address = "127.0.0.1:8081", service = "www"),
  ],
);
