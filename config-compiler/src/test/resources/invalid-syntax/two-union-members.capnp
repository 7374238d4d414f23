using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [(name = "n", network = (allow = ["public"]), disk = (path = "x"))]
);
