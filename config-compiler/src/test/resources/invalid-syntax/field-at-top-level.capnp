using Workerd = import "/workerd/workerd.capnp";
foo @0 :Text;
