# In-memory durable object storage and the unique key modifier.
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "counter", worker = (
      modules = [ (name = "c.js", esModule = "export class Counter {} export default { fetch() { return new Response('0'); } };") ],
      compatibilityDate = "2024-01-01",
      durableObjectNamespaces = [ (className = "Counter", uniqueKey = "counter-key") ],
      durableObjectUniqueKeyModifier = "staging",
      durableObjectStorage = (inMemory = void),
      bindings = [ (name = "COUNTER", durableObjectNamespace = "Counter") ],
    )),
  ],
);
