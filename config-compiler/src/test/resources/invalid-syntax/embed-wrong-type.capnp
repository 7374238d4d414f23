using Workerd = import "/workerd/workerd.capnp";
const t :UInt32 = embed "x.js";
