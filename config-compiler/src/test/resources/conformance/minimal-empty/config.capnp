# The smallest config: nothing at all.
using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = ();
