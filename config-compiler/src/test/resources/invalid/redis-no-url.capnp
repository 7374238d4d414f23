using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "db", kv = (redis = (keyPrefix = "app:")))
  ],
);
