using Workerd = import "/workerd/workerd.capnp";
const ReplServer :Workerd.Config = ();
