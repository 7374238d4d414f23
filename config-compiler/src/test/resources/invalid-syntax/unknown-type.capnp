using Workerd = import "/workerd/workerd.capnp";
const a :Txt = "x";
