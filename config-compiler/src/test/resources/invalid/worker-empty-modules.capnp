using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "main", worker = (modules = [], compatibilityDate = "2024-09-01"))
  ],
);
