using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  sockets = [(name = 5)]
);
