# Derived workers via inherit (a service name and a const name), overriding bindings.
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "customer", worker = .customerWorker),
    (name = "customer-a", worker = (
      inherit = "customer",
      bindings = [ (name = "TENANT", text = "a"), (name = "DB", service = "db-a") ],
      globalOutbound = "internet",
    )),
    (name = "customer-b", worker = (inherit = "customerWorker", bindings = [ (name = "TENANT", text = "b") ])),
    (name = "db-a", disk = "/srv/a"),
    (name = "internet", network = ()),
  ],
);

const customerWorker :Workerd.Worker = (
  modules = [ (name = "customer.js", esModule = embed "customer.js") ],
  compatibilityDate = "2023-07-24",
  bindings = [
    (name = "TENANT", parameter = (type = (text = void))),
    (name = "DB", parameter = (type = (service = void), optional = true)),
  ],
);
