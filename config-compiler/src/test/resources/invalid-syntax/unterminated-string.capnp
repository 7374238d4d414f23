using Workerd = import "/workerd/workerd.capnp";
const x :Text = "abc;
