using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "main", worker = (modules = [(name = "w.js")], compatibilityDate = "2024-09-01"))
  ],
);
