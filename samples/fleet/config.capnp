# A fleet sample, version 1: the config the control plane rolls out to every runner of fleet
# "demo". "front" answers on the socket and asks "greeter" (reachable only through the binding)
# for the greeting. See README.md for the commands.
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "front", worker = (
      modules = [ (name = "front.js", esModule = embed "front.js") ],
      compatibilityDate = "2024-09-01",
      bindings = [ (name = "GREETER", service = "greeter") ],
    )),
    (name = "greeter", worker = (
      modules = [ (name = "greeter.js", esModule = embed "greeter-v1.js") ],
      compatibilityDate = "2024-09-01",
    )),
  ],
  sockets = [ (name = "http", address = "127.0.0.1:8080", http = (), service = "front") ],
);
