# Sessions in KV, with a dev backend (embedded, under --data-dir) and a prod backend (Redis)
# filled into one abstract worker through a `parameter` binding. The worker sees only env.SESSIONS.
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "auth", worker = (
      modules = [ (name = "auth.js", esModule = embed "auth.js") ],
      compatibilityDate = "2024-09-01",
      bindings = [ (name = "SESSIONS", parameter = (type = (kvNamespace = void))) ],
    )),
    (name = "auth-dev", worker = (inherit = "auth", bindings = [ (name = "SESSIONS", kvNamespace = "sessions-dev") ])),
    (name = "auth-prod", worker = (inherit = "auth", bindings = [ (name = "SESSIONS", kvNamespace = "sessions-prod") ])),
    (name = "sessions-dev", kv = ()),
    (name = "sessions-prod", kv = (redis = (url = "redis://127.0.0.1:6379", keyPrefix = "capmesh-sample:sessions:",
                                            passwordEnv = "SESSIONS_REDIS_PASSWORD"))),
  ],
  sockets = [
    (name = "dev", address = "127.0.0.1:8080", http = (), service = "auth-dev"),
    (name = "prod", address = "127.0.0.1:8081", http = (), service = "auth-prod"),
  ],
);
