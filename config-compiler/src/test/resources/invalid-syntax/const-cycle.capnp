using Workerd = import "/workerd/workerd.capnp";
const a :Text = .b;
const b :Text = .a;
