using W = import "/workerd/nope.capnp";
