using Workerd = import "/workerd/workerd.capnp";
const b :Text = .nope;
