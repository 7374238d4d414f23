# capmesh's stand-in for Cap'n Proto's "/capnp/c++.capnp": the C++ code-generation annotations
# declared so that schema files using them load. capmesh generates no C++, so they do nothing.
@0xd6e0c6c1a8f2b3a4;

annotation namespace(file) :Text;
annotation name(field, enumerant, struct, enum, interface, method, param, group, union) :Text;
annotation allowCancellation(interface, method, file) :Void;
