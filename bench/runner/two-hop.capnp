# Benchmark: a two-hop service-binding chain. "a" forwards every request to "b".
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "a", worker = (
      modules = [ (name = "a.js", esModule = "export default { async fetch(req, env) { return env.B.fetch(req); } };") ],
      compatibilityDate = "2024-09-01",
      bindings = [ (name = "B", service = "b") ],
    )),
    (name = "b", worker = (
      modules = [ (name = "b.js", esModule = "export default { async fetch(req) { return new Response('Hello World\\n'); } };") ],
      compatibilityDate = "2024-09-01",
    )),
  ],
  sockets = [ (name = "http", address = "127.0.0.1:8080", http = (), service = "a") ],
);
