# KV namespaces on Redis: standalone with a database number, and a cluster.
using Capmesh = import "/capmesh/capmesh.capnp";

const config :Capmesh.Config = (
  services = [
    (name = "app", worker = (
      modules = [ (name = "app.js", esModule = "export default { async fetch(r, env) { return new Response(await env.KV.get('k')); } };") ],
      compatibilityDate = "2024-06-01",
      bindings = [ (name = "KV", kvNamespace = (name = "users")), (name = "EVENTS", kvNamespace = (name = "events")) ],
    )),
    (name = "users", kv = (redis = (url = "redis://127.0.0.1:6379/2", keyPrefix = "users:", passwordEnv = "REDIS_PASSWORD"))),
    (name = "events", kv = (redis = (url = "redis://10.0.0.1:7000,redis://10.0.0.2:7000,redis://10.0.0.3:7000", keyPrefix = "ev:"))),
    (name = "bare", kv = (redis = (url = "redis://localhost"))),
  ],
);
