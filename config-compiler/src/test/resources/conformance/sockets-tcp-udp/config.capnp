# TCP and UDP sockets, defaults and explicit values.
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [ (name = "echo", worker = (modules = [(name = "e.js", esModule = "export default { connect() {} };")], compatibilityDate = "2024-09-01")) ],
  sockets = [
    (name = "tcp-plain", address = "*:7000", tcp = (), service = "echo"),
    (name = "tcp-starttls", address = "*:7001", tcp = (tlsOptions = (keypair = (privateKey = "k", certificateChain = "c")), tlsMode = startTls), service = "echo"),
    (name = "tcp-implicit", address = "*:7002", tcp = (tlsMode = implicit), service = "echo"),
    (name = "udp-default", address = "*:7003", udp = (), service = "echo"),
    (name = "udp-tuned", address = "*:7004", udp = (idleTimeoutMs = 5000, maxPendingBytes = 1048576), service = "echo"),
  ],
);
