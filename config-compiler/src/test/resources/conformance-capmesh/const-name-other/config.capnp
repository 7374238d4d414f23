# A capmesh config whose const is not named "config" (see const.txt).
using Capmesh = import "/capmesh/capmesh.capnp";

const staging :Capmesh.Config = (
  services = [
    (name = "app", worker = (
      modules = [ (name = "app.js", esModule = "export default {};") ],
      compatibilityDate = "2024-06-01",
      bindings = [ (name = "KV", kvNamespace = (name = "kv")) ],
    )),
    (name = "kv", kv = (embedded = (path = "staging"))),
    (name = "blobs", storage = (s3 = (bucket = "staging-blobs"))),
  ],
);
