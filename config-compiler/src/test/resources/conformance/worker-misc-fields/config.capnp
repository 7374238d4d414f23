# The remaining Worker fields: outbounds, tails, module fallback, access headers.
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "main", worker = (
      modules = [ (name = "m.js", esModule = "export default {};") ],
      compatibilityDate = "2024-01-01",
      compatibilityFlags = ["nodejs_compat"],
      globalOutbound = (name = "egress", entrypoint = "Outbound", props = (json = "{\"tenant\":1}")),
      cacheApiOutbound = (name = "cache"),
      moduleFallback = "localhost:8888",
      tails = [ (name = "tail"), (name = "tail", entrypoint = "Other") ],
      streamingTails = [ "stail" ],
      accessBlobHeader = "CF-Access-Blob",
      accessBindingService = "access",
    )),
    (name = "egress", network = (allow = ["public"], deny = ["169.254.169.254/32"])),
  ],
);
