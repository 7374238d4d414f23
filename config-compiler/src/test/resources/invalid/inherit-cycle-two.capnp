using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "a", worker = .a)
  ],
);
const a :Workerd.Worker = (inherit = "b");
const b :Workerd.Worker = (inherit = "a");
