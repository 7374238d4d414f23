# Benchmark: the hello-world worker, identical for workerd and capmesh.
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "main", worker = (
      modules = [ (name = "worker.js", esModule = "export default { async fetch(req) { return new Response('Hello World\\n'); } };") ],
      compatibilityDate = "2024-09-01",
    )),
  ],
  sockets = [ (name = "http", address = "127.0.0.1:8080", http = (), service = "main") ],
);
