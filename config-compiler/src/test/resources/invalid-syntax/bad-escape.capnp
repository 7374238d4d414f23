using Workerd = import "/workerd/workerd.capnp";
const x :Text = "a\qb";
