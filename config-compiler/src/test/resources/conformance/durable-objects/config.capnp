# Durable objects: namespaces, storage, and bindings to them.
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "chat", worker = .chatWorker),
    (name = "do-storage", disk = (path = "/var/lib/chat", writable = true)),
  ],
  sockets = [ (name = "http", address = "*:8080", http = (), service = "chat") ],
);

const chatWorker :Workerd.Worker = (
  modules = [ (name = "chat.js", esModule = embed "chat.js") ],
  compatibilityDate = "2023-02-28",
  durableObjectNamespaces = [
    (className = "ChatRoom", uniqueKey = "210bd0cbd803ef7883a1ee9d86cce06e"),
    (className = "RateLimiter", uniqueKey = "b37e2f3c6e2a4bd8a8c0ff0de2b1f0a1", enableSql = true),
    (className = "Scratch", ephemeralLocal = void, preventEviction = true),
  ],
  durableObjectStorage = (localDisk = "do-storage"),
  bindings = [
    (name = "rooms", durableObjectNamespace = "ChatRoom"),
    (name = "limiters", durableObjectNamespace = (className = "RateLimiter")),
    (name = "other", durableObjectNamespace = (className = "ChatRoom", serviceName = "chat")),
    (name = "roomClass", durableObjectClass = (name = "chat", entrypoint = "ChatRoom")),
  ],
);
