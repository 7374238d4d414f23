using Workerd = import "/workerd/workerd.capnp";
const a :Text = "x"
const b :Text = "y";
