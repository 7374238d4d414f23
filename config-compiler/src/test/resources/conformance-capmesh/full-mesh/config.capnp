# A small mesh: frontend, API, KV, storage, a signing key and controlled egress.
using Capmesh = import "/capmesh/capmesh.capnp";

const config :Capmesh.Config = (
  services = [
    (name = "frontend", worker = .frontend),
    (name = "api", worker = .api),
    (name = "sessions", kv = (redis = (url = "redis://127.0.0.1:6379", keyPrefix = "sess:", passwordEnv = "REDIS_PASSWORD"))),
    (name = "media", storage = (s3 = (endpoint = "http://127.0.0.1:9000", region = "us-east-1", bucket = "media", pathStyle = true,
                                      accessKeyIdEnv = "AWS_ACCESS_KEY_ID", secretAccessKeyEnv = "AWS_SECRET_ACCESS_KEY"))),
    (name = "payments", external = (address = "payments.internal:443", https = (tlsOptions = (minVersion = tls1Dot2)))),
    (name = "egress", network = (allow = ["public"])),
  ],
  sockets = [ (name = "http", address = "127.0.0.1:8080", http = (), service = (name = "frontend")) ],
);

const frontend :Capmesh.Worker = (
  modules = [ (name = "frontend.js", esModule = "export default { fetch(r, env) { return env.API.fetch(r); } };") ],
  compatibilityDate = "2024-06-01",
  bindings = [ (name = "API", service = (name = "api", entrypoint = "Public", props = (json = "{\"from\":\"frontend\"}"))) ],
);

const api :Capmesh.Worker = (
  modules = [ (name = "api.js", esModule = "export default {};") ],
  compatibilityDate = "2024-06-01",
  bindings = [
    (name = "SESSIONS", kvNamespace = (name = "sessions")),
    (name = "MEDIA", r2Bucket = (name = "media")),
    (name = "PAYMENTS", service = (name = "payments")),
    (name = "SIGNING_KEY", cryptoKey = (raw = 0x"0011223344556677", algorithm = (json = "{\"name\":\"HMAC\",\"hash\":\"SHA-256\"}"), usages = [sign, verify])),
    (name = "PAYMENTS_TOKEN", secret = "pay_0000"),
  ],
  globalOutbound = (name = "egress"),
);
