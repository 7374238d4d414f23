# A fleet sample, version 2: only "greeter" changes (new code, and a REGION text binding), so a
# push sends runners that one worker, and runners rebuild it alone ("front" keeps its contexts).
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "front", worker = (
      modules = [ (name = "front.js", esModule = embed "front.js") ],
      compatibilityDate = "2024-09-01",
      bindings = [ (name = "GREETER", service = "greeter") ],
    )),
    (name = "greeter", worker = (
      modules = [ (name = "greeter.js", esModule = embed "greeter-v2.js") ],
      compatibilityDate = "2024-09-01",
      bindings = [ (name = "REGION", text = "eu-west") ],
    )),
  ],
  sockets = [ (name = "http", address = "127.0.0.1:8080", http = (), service = "front") ],
);
