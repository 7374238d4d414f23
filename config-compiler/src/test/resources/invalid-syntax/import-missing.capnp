using Other = import "other.capnp";
const t :Text = "x";
