# An audited gateway: each request reads a KV entry and calls a second worker (JS RPC), so every
# request makes two binding uses. Serve it with `bin/runner serve ... --audit-log audit.log`,
# check the log with `bin/runner audit verify audit.log*`, and compare what the workers were
# granted with what they used: `bin/runner capabilities --usage audit.log* config.capnp`.
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "gateway", worker = (
      modules = [ (name = "gateway.js", esModule = embed "gateway.js") ],
      compatibilityDate = "2024-09-01",
      bindings = [
        (name = "FLAGS", kvNamespace = "flags"),
        (name = "PRICES", service = (name = "prices", entrypoint = "Prices")),
        (name = "ARCHIVE", kvNamespace = "flags"),   # granted, never used: the report flags it
      ],
    )),
    (name = "prices", worker = (
      modules = [ (name = "prices.js", esModule = embed "prices.js") ],
      compatibilityDate = "2024-09-01",
    )),
    (name = "flags", kv = (embedded = ())),
  ],
  sockets = [ (name = "http", address = "127.0.0.1:8080", http = (), service = "gateway") ],
);
