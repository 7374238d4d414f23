# Hello world: one worker, one socket, one text binding, and no network egress.
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "main", worker = .helloWorker),
  ],
  sockets = [
    (name = "http", address = "127.0.0.1:8080", http = (), service = "main"),
  ],
);

const helloWorker :Workerd.Worker = (
  modules = [
    (name = "worker.js", esModule = embed "worker.js"),
  ],
  compatibilityDate = "2024-09-01",
  bindings = [
    (name = "GREETING", text = "Hello"),
  ],
  # No globalOutbound: this worker cannot reach the network at all.
);
