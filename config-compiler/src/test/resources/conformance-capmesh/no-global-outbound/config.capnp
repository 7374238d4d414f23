# Egress only where granted: one worker without globalOutbound, one with it.
using Capmesh = import "/capmesh/capmesh.capnp";

const config :Capmesh.Config = (
  services = [
    (name = "sealed", worker = (
      modules = [ (name = "s.js", esModule = "export default { fetch() { return fetch('https://example.com'); } };") ],
      compatibilityDate = "2024-06-01",
    )),
    (name = "open", worker = (
      modules = [ (name = "o.js", esModule = "export default { fetch() { return fetch('https://example.com'); } };") ],
      compatibilityDate = "2024-06-01",
      globalOutbound = (name = "internet"),
    )),
    (name = "internet", network = (allow = ["public"], deny = ["169.254.0.0/16"])),
  ],
);
