using Workerd = import "/workerd/workerd.capnp";
const a :Workerd.Config = ();
const b :Workerd.Config = ();
