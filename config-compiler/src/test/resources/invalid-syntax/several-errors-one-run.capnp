using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  servces = [],
  structuredLogging = 3,
  v8Flags = [1]
);
