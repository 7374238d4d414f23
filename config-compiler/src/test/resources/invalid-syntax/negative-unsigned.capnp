using Workerd = import "/workerd/workerd.capnp";
const n :UInt32 = -1;
