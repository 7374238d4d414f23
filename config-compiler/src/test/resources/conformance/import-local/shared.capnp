@0xd3c7a1f2b4e5a6c7;
# Shared pieces imported by config.capnp.
using Workerd = import "/workerd/workerd.capnp";

const address :Text = "127.0.0.1:8787";
const filesService :Workerd.Service = (name = "files", disk = (path = "/srv/files"));
const appWorker :Workerd.Worker = (
  modules = [ (name = "app.js", esModule = embed "app.js") ],
  compatibilityDate = "2024-02-02",
  bindings = [ (name = "FILES", service = "files") ],
);
