using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "net", network = (allow = ["public"])),
    (name = "main", worker = (inherit = "net"))
  ],
);
