using Workerd = import "/workerd/workerd.capnp";
struct S { a @0 :Text; b @2 :Text; }
const config :Workerd.Config = ();
