using Workerd = import "/workerd/workerd.capnp";
const a :Text = "x";
const a :Text = "y";
