using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "main", worker = (compatibilityDate = "2024-09-01"))
  ],
);
