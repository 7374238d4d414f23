# workerd's canonical form: the abstract base is a service, named by `inherit`.
# "auth" leaves AUTH_DB unfilled, so it is only a base: nothing invokes it and it is not started.
# Its KV is mocked by a worker, as workerd allows (the mock speaks the KV HTTP protocol).
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "auth", worker = .authWorker),
    (name = "authDev", worker = (inherit = "auth", bindings = [
      (name = "AUTH_DB", kvNamespace = (name = "kv-mock")),
    ])),
    (name = "authProd", worker = (inherit = "auth", bindings = [
      (name = "AUTH_DB", kvNamespace = (name = "users")),
      (name = "REALM", text = "prod"),
    ])),
    (name = "kv-mock", worker = (
      modules = [(name = "mock.js", esModule = "export default { fetch() { return new Response('v') } }")],
      compatibilityDate = "2024-09-01",
    )),
    (name = "users", kv = (embedded = (path = "/tmp/users"))),
    (name = "files", disk = (path = "/tmp/files", writable = true)),
    (name = "app", worker = (
      modules = [(name = "app.js", esModule = "export default {}")],
      compatibilityDate = "2024-09-01",
      bindings = [
        (name = "AUTH", service = (name = "authDev")),
        (name = "CACHE", kvNamespace = (name = "files")),
        (name = "BLOBS", r2Bucket = (name = "kv-mock")),
      ],
    )),
  ],
  sockets = [
    (name = "dev", address = "127.0.0.1:8080", http = (), service = (name = "authDev")),
    (name = "prod", address = "127.0.0.1:8081", http = (), service = (name = "authProd")),
    (name = "app", address = "127.0.0.1:8082", http = (), service = (name = "app")),
  ],
);

const authWorker :Workerd.Worker = (
  modules = [(name = "auth.js", esModule = "export default { fetch() { return new Response('ok') } }")],
  compatibilityDate = "2024-09-01",
  bindings = [
    (name = "AUTH_DB", parameter = (type = (kvNamespace = void))),
    (name = "REALM", text = "dev"),
  ],
);
