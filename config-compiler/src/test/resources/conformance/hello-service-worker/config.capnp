# Hello world in the old service-worker syntax.
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [ (name = "main", worker = .helloWorld) ],
  sockets = [ (name = "http", address = "*:8080", http = (), service = "main") ],
);

const helloWorld :Workerd.Worker = (
  serviceWorkerScript = embed "worker.js",
  compatibilityDate = "2022-09-16",
);
