# Every binding kind workerd declares.
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "everything", worker = .everything),
    (name = "other", worker = (modules = [ (name = "o.js", esModule = "export default {};") ], compatibilityDate = "2024-01-01")),
    (name = "kv", disk = (path = "/tmp/kv", writable = true)),
    (name = "bucket", disk = (path = "/tmp/bucket", writable = true)),
  ],
);

const everything :Workerd.Worker = (
  modules = [
    (name = "main.js", esModule = "export default {};"),
    (name = "wrapper", esModule = "export default function (env) { return env; }"),
  ],
  compatibilityDate = "2024-06-01",
  bindings = [
    (name = "nothing"),
    (name = "unspecified", unspecified = void),
    (name = "TEXT", text = "plain text"),
    (name = "DATA", data = 0x"c0ffee"),
    (name = "JSON", json = "{\"a\": [1, 2, 3]}"),
    (name = "WASM", wasmModule = embed "add.wasm"),
    (name = "KEY", cryptoKey = (raw = 0x"0102", algorithm = (name = "HMAC"), usages = [sign])),
    (name = "SERVICE", service = "other"),
    (name = "DO_CLASS", durableObjectClass = (name = "other", entrypoint = "Thing")),
    (name = "DO_NS", durableObjectNamespace = (className = "Thing", serviceName = "other")),
    (name = "KV", kvNamespace = "kv"),
    (name = "R2", r2Bucket = (name = "bucket")),
    (name = "OLD", obsolete0 = "other"),
    (name = "WRAPPED", wrapped = (moduleName = "wrapper", innerBindings = [ (name = "inner", text = "x") ])),
    (name = "QUEUE", queue = "other"),
    (name = "ENV", fromEnvironment = "HOME"),
    (name = "ANALYTICS", analyticsEngine = "other"),
    (name = "DB", hyperdrive = (designator = "other", database = "app", user = "app", password = "pw", scheme = "postgresql")),
    (name = "EVAL", unsafeEval = void),
    (name = "CACHE", memoryCache = (id = "cache-1", limits = (maxKeys = 100, maxValueSize = 1024, maxTotalValueSize = 1048576))),
    (name = "LOADER", workerLoader = (id = "loader")),
    (name = "LOADER_ANON", workerLoader = ()),
    (name = "DEBUG", workerdDebugPort = void),
  ],
);
