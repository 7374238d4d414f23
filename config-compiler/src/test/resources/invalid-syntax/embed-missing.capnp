using Workerd = import "/workerd/workerd.capnp";
const t :Text = embed "missing.js";
