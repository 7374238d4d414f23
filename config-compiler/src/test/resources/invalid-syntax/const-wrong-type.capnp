using Workerd = import "/workerd/workerd.capnp";
const w :Text = "x";
const config :Workerd.Config = (services = [(name = "s", worker = .w)]);
