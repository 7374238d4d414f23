using Workerd = import "/workerd/workerd.capnp";
const n :UInt8 = 1.5;
