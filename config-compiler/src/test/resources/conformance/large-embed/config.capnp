# A large embedded module (about 100 KiB, made by gen.sh).
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [ (name = "big", worker = (
    modules = [ (name = "big.js", esModule = embed "big.js") ],
    compatibilityDate = "2024-01-01",
  )) ],
);
