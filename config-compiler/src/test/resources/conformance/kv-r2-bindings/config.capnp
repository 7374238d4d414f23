# KV and R2 bindings designating services (workerd serves them from disk).
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "app", worker = (
      modules = [ (name = "app.js", esModule = "export default { async fetch(r, env) { return new Response(await env.KV.get('k')); } };") ],
      compatibilityDate = "2024-01-01",
      bindings = [
        (name = "KV", kvNamespace = (name = "kv-store")),
        (name = "KV2", kvNamespace = "kv-store"),
        (name = "BUCKET", r2Bucket = (name = "r2-store", entrypoint = "default")),
      ],
    )),
    (name = "kv-store", disk = (path = "/var/kv", writable = true)),
    (name = "r2-store", disk = (path = "/var/r2", writable = true)),
  ],
);
