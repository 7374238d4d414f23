using Workerd = import "/workerd/workerd.capnp";
const t :Text = (a = 1);
