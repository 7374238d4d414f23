# Every list field present but empty.
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "w", worker = (
      modules = [],
      compatibilityFlags = [],
      bindings = [],
      durableObjectNamespaces = [],
      tails = [],
      streamingTails = [],
    )),
    (name = "n", network = (allow = [], deny = [])),
    (name = "e", external = (address = "x:1", http = (injectRequestHeaders = [], injectResponseHeaders = []))),
  ],
  sockets = [],
  v8Flags = [],
  extensions = [ (modules = []) ],
  autogates = [],
  cluster = (bucketOptions = []),
);
