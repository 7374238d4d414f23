using Workerd = import "/workerd/workerd.capnp";
const d :Data = 0x"abc";
