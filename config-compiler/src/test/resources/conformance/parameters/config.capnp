# parameter bindings with every Type member.
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [ (name = "abstract", worker = .abstractWorker) ],
);

const abstractWorker :Workerd.Worker = (
  modules = [ (name = "a.js", esModule = "export default {};") ],
  compatibilityDate = "2024-01-01",
  bindings = [
    (name = "P_UNSPEC", parameter = ()),
    (name = "P_UNSPEC2", parameter = (type = (unspecified = void))),
    (name = "P_TEXT", parameter = (type = (text = void))),
    (name = "P_DATA", parameter = (type = (data = void), optional = false)),
    (name = "P_JSON", parameter = (type = (json = void), optional = true)),
    (name = "P_WASM", parameter = (type = (wasm = void))),
    (name = "P_KEY", parameter = (type = (cryptoKey = [sign, verify]))),
    (name = "P_KEY_NONE", parameter = (type = (cryptoKey = []))),
    (name = "P_SERVICE", parameter = (type = (service = void))),
    (name = "P_DO", parameter = (type = (durableObjectNamespace = void))),
    (name = "P_KV", parameter = (type = (kvNamespace = void))),
    (name = "P_R2", parameter = (type = (r2Bucket = void))),
    (name = "P_OLD", parameter = (type = (obsolete0 = void))),
    (name = "P_QUEUE", parameter = (type = (queue = void))),
    (name = "P_AE", parameter = (type = (analyticsEngine = void))),
    (name = "P_HD", parameter = (type = (hyperdrive = void))),
    (name = "P_DOC", parameter = (type = (durableObjectClass = void))),
    (name = "P_DEBUG", parameter = (type = (workerdDebugPort = void), optional = true)),
  ],
);
