# A service-worker script with a Wasm module binding (the hello-wasm sample).
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [ (name = "main", worker = .worker) ],
  sockets = [ (name = "http", address = "*:8080", http = (), service = "main") ],
);

const worker :Workerd.Worker = (
  serviceWorkerScript = embed "worker.js",
  bindings = [ (name = "ADD", wasmModule = embed "add.wasm") ],
  compatibilityDate = "2022-09-16",
);
