using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "main", worker = (inherit = "mid", bindings = [(name = "X", text = "1")])),
    (name = "mid", worker = (inherit = "root"))
  ],
);
