using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "x", worker = (inherit = "y")),
    (name = "y", worker = (inherit = "z")),
    (name = "z", worker = (inherit = "x"))
  ],
);
