using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
    (name = "main", worker = (modules = [(name = "w.js", esModule = "export default {}")], compatibilityDate = "2024-09-01", bindings = [(name = "T", text = "t"), (name = "S", secret = "s"), (name = "J", json = "{}"), (name = "D", data = 0x"00"), (name = "E", fromEnvironment = "HOME"), (name = "API", service = "kvMock"), (name = "KV", kvNamespace = "kvMock"), (name = "R2", r2Bucket = "kvMock"), (name = "Q", queue = "kvMock"), (name = "W", wasmModule = 0x"0061736d01000000"), (name = "DB", kvNamespace = "db"), (name = "FILES", kvNamespace = "disk")])),
    (name = "kvMock", worker = (modules = [(name = "w.js", esModule = "export default {}")], compatibilityDate = "2024-09-01")),
    (name = "disk", disk = (path = "/tmp/blobs", writable = true)),
    (name = "db", kv = (redis = (url = "redis://127.0.0.1:6379", keyPrefix = "app:", passwordEnv = "REDIS_PASSWORD"))),
  ],
);
