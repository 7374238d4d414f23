using Workerd = import "/workerd/workerd.capnp";
const a :Text = "x";
