# bench/storage/stream.sh: one worker streaming objects in and out of an embedded bucket.
using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
    (name = "main", worker = (modules = [(name = "stream.js", esModule = embed "stream.js")],
        compatibilityDate = "2024-09-01", bindings = [(name = "STORAGE", r2Bucket = "bucket")])),
    (name = "bucket", storage = (embedded = ())),
  ],
  sockets = [(name = "http", address = "127.0.0.1:18090", http = (), service = "main")],
);
