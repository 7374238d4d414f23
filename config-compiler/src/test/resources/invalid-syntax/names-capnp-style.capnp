using Workerd = import "/workerd/workerd.capnp";
struct lowerStruct { Field @0 :Text; my_field @1 :Text; grp_x :group { a @2 :Text; } }
enum Color { Red @0; green @1; }
using lowerFile = import "/capnp/c++.capnp";
annotation My_ann(struct) :Text;
const my_config :Workerd.Config = ();
