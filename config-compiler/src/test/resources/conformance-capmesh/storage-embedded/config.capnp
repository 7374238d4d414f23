# Storage services on the embedded directory store.
using Capmesh = import "/capmesh/capmesh.capnp";

const config :Capmesh.Config = (
  services = [
    (name = "app", worker = (
      modules = [ (name = "app.js", esModule = "export default { fetch(r, env) { return env.STORAGE.fetch('/data.json'); } };") ],
      compatibilityDate = "2024-06-01",
      bindings = [ (name = "STORAGE", r2Bucket = (name = "files")), (name = "UPLOADS", r2Bucket = (name = "uploads")) ],
    )),
    (name = "files", storage = ()),
    (name = "uploads", storage = (embedded = (path = "blobs/uploads"))),
  ],
);
