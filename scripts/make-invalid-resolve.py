#!/usr/bin/env python3
"""Writes config-compiler/src/test/resources/invalid/NAME.capnp: configs that parse and evaluate
but are wrong in meaning (model and resolver errors). The expected diagnostics in NAME.errors are
reviewed by hand and kept in git; this script only writes the configs."""
import os

OUT = os.path.join(os.path.dirname(__file__), "..", "config-compiler", "src", "test", "resources", "invalid")
HEAD = 'using Workerd = import "/workerd/workerd.capnp";\n\n'
JS = 'modules = [(name = "w.js", esModule = "export default {}")], compatibilityDate = "2024-09-01"'

def w(extra=""):
    return "(" + JS + (", " + extra if extra else "") + ")"

def cfg(services, sockets=""):
    return HEAD + "const config :Workerd.Config = (\n  services = [\n" + \
        ",\n".join("    " + s for s in services) + "\n  ],\n" + \
        (f"  sockets = [\n    {sockets}\n  ],\n" if sockets else "") + ");\n"

KV = '(name = "db", kv = (embedded = (path = "/tmp/db")))'
ST = '(name = "files", storage = (embedded = (path = "/tmp/files")))'
NET = '(name = "net", network = (allow = ["public"]))'
SOCK = '(name = "http", address = "127.0.0.1:8080", http = (), service = "main")'

C = {}
# --- references to services that do not exist
C["binding-service-unknown"] = cfg(['(name = "main", worker = ' + w('bindings = [(name = "API", service = "nope")]') + ')'])
C["binding-service-typo"] = cfg(['(name = "main", worker = ' + w('bindings = [(name = "AUTH", service = "auht")]') + ')',
                                  '(name = "auth", worker = ' + w() + ')'])
C["binding-kv-unknown"] = cfg(['(name = "main", worker = ' + w('bindings = [(name = "DB", kvNamespace = "dbb")]') + ')', KV])
C["binding-r2-unknown"] = cfg(['(name = "main", worker = ' + w('bindings = [(name = "S", r2Bucket = "bucket")]') + ')'])
C["socket-service-unknown"] = cfg(['(name = "main", worker = ' + w() + ')'],
                                  '(name = "http", address = "127.0.0.1:8080", http = (), service = "mian")')
C["global-outbound-unknown"] = cfg(['(name = "main", worker = ' + w('globalOutbound = "internet"') + ')'])
C["cache-outbound-unknown"] = cfg(['(name = "main", worker = ' + w('cacheApiOutbound = "cache"') + ')'])
C["tail-unknown"] = cfg(['(name = "main", worker = ' + w('tails = ["logger"]') + ')'])
C["do-namespace-service-unknown"] = cfg(['(name = "main", worker = ' + w('bindings = [(name = "ROOMS", durableObjectNamespace = (className = "Room", serviceName = "rooms"))]') + ')'])
C["queue-unknown"] = cfg(['(name = "main", worker = ' + w('bindings = [(name = "Q", queue = "jobs")]') + ')'])
C["assets-user-worker-unknown"] = cfg(['(name = "main", worker = ' + w() + ')',
                                       '(name = "site", assets = (path = "/srv", userWorker = "app"))'])
C["wrapped-inner-unknown"] = cfg(['(name = "main", worker = ' + w('bindings = [(name = "W", wrapped = (moduleName = "ext:w", innerBindings = [(name = "inner", service = "gone")]))]') + ')'])
C["const-worker-unused-still-checked"] = cfg(['(name = "main", worker = ' + w() + ')']) + \
    'const spare :Workerd.Worker = ' + w('bindings = [(name = "X", service = "nowhere")]') + ';\n'
C["many-unknowns-one-run"] = cfg(['(name = "main", worker = ' + w('bindings = [(name = "A", service = "a"), (name = "B", kvNamespace = "b"), (name = "C", r2Bucket = "c")], globalOutbound = "d"') + ')'],
                                 '(name = "http", address = "127.0.0.1:8080", http = (), service = "e")')
# --- inherit
C["inherit-unknown"] = cfg(['(name = "main", worker = (inherit = "base"))'])
C["inherit-unknown-typo"] = cfg(['(name = "main", worker = (inherit = "custmerWorker"))']) + \
    'const customerWorker :Workerd.Worker = ' + w() + ';\n'
C["inherit-cycle-two"] = cfg(['(name = "a", worker = .a)']) + \
    'const a :Workerd.Worker = (inherit = "b");\nconst b :Workerd.Worker = (inherit = "a");\n'
C["inherit-cycle-three"] = cfg(['(name = "x", worker = (inherit = "y"))', '(name = "y", worker = (inherit = "z"))',
                                '(name = "z", worker = (inherit = "x"))'])
C["inherit-self"] = cfg(['(name = "loop", worker = (inherit = "loop"))'])
C["inherit-from-network"] = cfg([NET, '(name = "main", worker = (inherit = "net"))'])
C["inherit-sets-compat-date"] = cfg(['(name = "base", worker = ' + w() + ')',
                                     '(name = "main", worker = (inherit = "base", compatibilityDate = "2025-01-01"))'])
C["inherit-sets-compat-flags"] = cfg(['(name = "base", worker = ' + w() + ')',
                                      '(name = "main", worker = (inherit = "base", compatibilityFlags = ["nodejs_compat"]))'])
C["inherit-unknown-binding"] = cfg(['(name = "base", worker = ' + w('bindings = [(name = "GREETING", text = "hi")]') + ')',
                                    '(name = "main", worker = (inherit = "base", bindings = [(name = "COLOR", text = "red")]))'])
C["inherit-unknown-binding-typo"] = cfg(['(name = "base", worker = ' + w('bindings = [(name = "GREETING", text = "hi")]') + ')',
                                         '(name = "main", worker = (inherit = "base", bindings = [(name = "GREETNG", text = "yo")]))'])
C["inherit-kind-mismatch"] = cfg(['(name = "base", worker = ' + w('bindings = [(name = "API", service = "api")]') + ')',
                                  '(name = "api", worker = ' + w() + ')',
                                  '(name = "main", worker = (inherit = "base", bindings = [(name = "API", text = "http://x")]))'])
C["inherit-kind-mismatch-kv-r2"] = cfg(['(name = "base", worker = ' + w('bindings = [(name = "DATA", kvNamespace = "db")]') + ')', KV, ST,
                                        '(name = "main", worker = (inherit = "base", bindings = [(name = "DATA", r2Bucket = "files")]))'])
C["inherit-chain-unknown-root"] = cfg(['(name = "main", worker = (inherit = "mid", bindings = [(name = "X", text = "1")]))',
                                       '(name = "mid", worker = (inherit = "root"))'])
C["inherit-binding-twice"] = cfg(['(name = "base", worker = ' + w('bindings = [(name = "A", text = "1")]') + ')',
                                  '(name = "main", worker = (inherit = "base", bindings = [(name = "A", text = "2"), (name = "A", text = "3")]))'])
# --- parameter
C["parameter-type-mismatch"] = cfg([KV, ST, '(name = "main", worker = .child)']) + \
    'const base :Workerd.Worker = ' + w('bindings = [(name = "DB", parameter = (type = (kvNamespace = void)))]') + ';\n' + \
    'const child :Workerd.Worker = (inherit = "base", bindings = [(name = "DB", r2Bucket = "files")]);\n'
C["parameter-service-filled-by-text"] = cfg(['(name = "main", worker = .child)']) + \
    'const base :Workerd.Worker = ' + w('bindings = [(name = "AUTH", parameter = (type = (service = void)))]') + ';\n' + \
    'const child :Workerd.Worker = (inherit = "base", bindings = [(name = "AUTH", text = "auth")]);\n'
C["parameter-crypto-usages"] = cfg(['(name = "main", worker = .child)']) + \
    'const base :Workerd.Worker = ' + w('bindings = [(name = "KEY", parameter = (type = (cryptoKey = [sign, verify])))]') + ';\n' + \
    'const child :Workerd.Worker = (inherit = "base", bindings = [(name = "KEY", cryptoKey = (hex = "00ff", algorithm = (name = "HMAC"), usages = [verify]))]);\n'
C["parameter-redeclared-other-type"] = cfg(['(name = "main", worker = .child)']) + \
    'const base :Workerd.Worker = ' + w('bindings = [(name = "DB", parameter = (type = (kvNamespace = void)))]') + ';\n' + \
    'const child :Workerd.Worker = (inherit = "base", bindings = [(name = "DB", parameter = (type = (r2Bucket = void), optional = true))]);\n'
C["parameter-no-type"] = cfg(['(name = "main", worker = ' + w('bindings = [(name = "P", parameter = (optional = true))]') + ')'])
# A service whose worker leaves a parameter unfilled is legal (an inheritance base, not started);
# invoking it is the error, reported at the reference.
C["abstract-used-directly"] = cfg([KV, '(name = "db-b", kv = (embedded = (path = "/tmp/b")))',
                                   '(name = "a", worker = .customerA)', '(name = "b", worker = .customerB)',
                                   '(name = "tenants", worker = .customerWorker)'],
                                  '(name = "http", address = "127.0.0.1:8080", http = (), service = "tenants")') + \
    'const customerWorker :Workerd.Worker = ' + w('bindings = [(name = "DB", parameter = (type = (kvNamespace = void)))]') + ';\n' + \
    'const customerA :Workerd.Worker = (inherit = "customerWorker", bindings = [(name = "DB", kvNamespace = "db")]);\n' + \
    'const customerB :Workerd.Worker = (inherit = "customerWorker", bindings = [(name = "DB", kvNamespace = "db-b")]);\n'
C["abstract-no-fillers"] = cfg(['(name = "main", worker = .base)',
                                '(name = "front", worker = ' + w('bindings = [(name = "MAIN", service = "main")]') + ')']) + \
    'const base :Workerd.Worker = ' + w('bindings = [(name = "AUTH", parameter = (type = (service = void)))]') + ';\n'
C["abstract-two-parameters"] = cfg(['(name = "main", worker = .base)',
                                    '(name = "front", worker = ' + w('globalOutbound = "main"') + ')']) + \
    'const base :Workerd.Worker = ' + w('bindings = [(name = "AUTH", parameter = (type = (service = void))), (name = "DB", parameter = (type = (kvNamespace = void)))]') + ';\n'
C["abstract-inline-derived"] = cfg(['(name = "main", worker = (inherit = "base", bindings = []))',
                                    '(name = "front", worker = ' + w('bindings = [(name = "ROOMS", durableObjectNamespace = (className = "Room", serviceName = "main"))]') + ')']) + \
    'const base :Workerd.Worker = ' + w('bindings = [(name = "AUTH", parameter = (type = (service = void)))], durableObjectNamespaces = [(className = "Room", uniqueKey = "k")]') + ';\n'
C["abstract-filler-is-service"] = cfg(['(name = "auth", worker = ' + w() + ')', '(name = "main", worker = .base)',
                                       '(name = "main-dev", worker = (inherit = "base", bindings = [(name = "AUTH", service = "auth")]))'],
                                      '(name = "http", address = "127.0.0.1:8080", http = (), service = "main")') + \
    'const base :Workerd.Worker = ' + w('bindings = [(name = "AUTH", parameter = (type = (service = void)))]') + ';\n'
C["abstract-half-filled-chain"] = cfg(['(name = "auth", worker = ' + w('bindings = [(name = "MAIN", service = "main")]') + ')', '(name = "main", worker = .half)']) + \
    'const base :Workerd.Worker = ' + w('bindings = [(name = "AUTH", parameter = (type = (service = void))), (name = "LOG", parameter = (type = (service = void)))]') + ';\n' + \
    'const half :Workerd.Worker = (inherit = "base", bindings = [(name = "AUTH", service = "auth")]);\n' + \
    'const full :Workerd.Worker = (inherit = "half", bindings = [(name = "LOG", service = "auth")]);\n'
C["abstract-kv-binding-and-tail"] = cfg([KV, '(name = "kvmock", worker = .mock)',
                                         '(name = "main", worker = ' + w('bindings = [(name = "DB", kvNamespace = "kvmock")], tails = ["kvmock"]') + ')']) + \
    'const mock :Workerd.Worker = ' + w('bindings = [(name = "STORE", parameter = (type = (kvNamespace = void)))]') + ';\n' + \
    'const mockA :Workerd.Worker = (inherit = "kvmock", bindings = [(name = "STORE", kvNamespace = "db")]);\n'
# --- what workerd (and so the runner) refuses at start, found by check and compile
C["network-rule-invalid"] = cfg(['(name = "net", network = (allow = ["public", "everything", "10.0.0.0/99", "::1/129", "10.0.0.0", "Public", "", " 10.0.0.0/8", "fc00::/7", "unix"], deny = ["public", "network", "local", "10.1.2.3/x", "1.2.3.4/-1"]))'])
C["worker-no-compat-date"] = cfg(['(name = "main", worker = (modules = [(name = "w.js", esModule = "export default {}")]))',
                                  '(name = "sw", worker = (serviceWorkerScript = "addEventListener(\'fetch\', e => {})"))',
                                  '(name = "empty", worker = (modules = [(name = "w.js", esModule = "export default {}")], compatibilityDate = ""))',
                                  '(name = "child", worker = (inherit = "main"))'])
# --- duplicates
C["duplicate-service"] = cfg(['(name = "main", worker = ' + w() + ')', NET, '(name = "main", network = ())'])
C["duplicate-socket-name"] = cfg(['(name = "main", worker = ' + w() + ')'],
                                 SOCK + ',\n    (name = "http", address = "127.0.0.1:8081", http = (), service = "main")')
C["duplicate-socket-address"] = cfg(['(name = "main", worker = ' + w() + ')'],
                                    SOCK + ',\n    (name = "alt", address = "127.0.0.1:8080", http = (), service = "main")')
C["duplicate-binding"] = cfg(['(name = "main", worker = ' + w('bindings = [(name = "A", text = "1"), (name = "A", json = "2")]') + ')'])
C["duplicate-module"] = cfg(['(name = "main", worker = (modules = [(name = "a.js", esModule = "export default {}"), (name = "a.js", text = "x")], compatibilityDate = "2024-09-01"))'])
# --- kinds
C["kv-binding-to-network"] = cfg(['(name = "main", worker = ' + w('bindings = [(name = "DB", kvNamespace = "net")]') + ')', NET])
C["kv-binding-to-storage"] = cfg(['(name = "main", worker = ' + w('bindings = [(name = "DB", kvNamespace = "files")]') + ')', ST])
C["r2-binding-to-kv"] = cfg(['(name = "main", worker = ' + w('bindings = [(name = "S", r2Bucket = "db")]') + ')', KV])
C["service-binding-to-kv"] = cfg(['(name = "main", worker = ' + w('bindings = [(name = "DB", service = "db")]') + ')', KV])
C["service-binding-to-storage"] = cfg(['(name = "main", worker = ' + w('bindings = [(name = "S", service = "files")]') + ')', ST])
C["global-outbound-to-kv"] = cfg(['(name = "main", worker = ' + w('globalOutbound = "db"') + ')', KV])
C["global-outbound-to-disk"] = cfg(['(name = "main", worker = ' + w('globalOutbound = "www"') + ')', '(name = "www", disk = (path = "/srv"))'])
C["socket-to-kv"] = cfg([KV], '(name = "http", address = "127.0.0.1:8080", http = (), service = "db")')
C["do-namespace-class-unknown"] = cfg(['(name = "main", worker = ' + w('bindings = [(name = "ROOMS", durableObjectNamespace = (className = "Rom", serviceName = "rooms"))]') + ')',
                                       '(name = "rooms", worker = ' + w('durableObjectNamespaces = [(className = "Room", uniqueKey = "k")]') + ')'])
C["do-namespace-service-not-worker"] = cfg(['(name = "main", worker = ' + w('bindings = [(name = "ROOMS", durableObjectNamespace = (className = "Room", serviceName = "net"))]') + ')', NET])
C["entrypoint-on-network"] = cfg(['(name = "main", worker = ' + w('bindings = [(name = "N", service = (name = "net", entrypoint = "Admin"))]') + ')', NET])
C["crypto-hmac-encrypt"] = cfg(['(name = "main", worker = ' + w('bindings = [(name = "K", cryptoKey = (hex = "00ff", algorithm = (name = "HMAC"), usages = [sign, encrypt]))]') + ')'])
C["crypto-aes-sign"] = cfg(['(name = "main", worker = ' + w('bindings = [(name = "K", cryptoKey = (base64 = "AAAA", algorithm = (name = "AES-GCM"), usages = [sign]))]') + ')'])
C["crypto-ecdh-sign-verify"] = cfg(['(name = "main", worker = ' + w('bindings = [(name = "K", cryptoKey = (pkcs8 = "x", algorithm = (name = "ECDH"), usages = [deriveBits, sign, verify]))]') + ')'])
C["crypto-no-algorithm"] = cfg(['(name = "main", worker = ' + w('bindings = [(name = "K", cryptoKey = (hex = "00", usages = [sign]))]') + ')'])
# --- model
C["worker-no-code"] = cfg(['(name = "main", worker = (compatibilityDate = "2024-09-01"))'])
C["worker-empty-modules"] = cfg(['(name = "main", worker = (modules = [], compatibilityDate = "2024-09-01"))'])
C["module-no-content"] = cfg(['(name = "main", worker = (modules = [(name = "w.js")], compatibilityDate = "2024-09-01"))'])
C["module-no-name"] = cfg(['(name = "main", worker = (modules = [(esModule = "export default {}")], compatibilityDate = "2024-09-01"))'])
C["binding-no-name"] = cfg(['(name = "main", worker = ' + w('bindings = [(text = "x")]') + ')'])
C["binding-no-kind"] = cfg(['(name = "main", worker = ' + w('bindings = [(name = "X")]') + ')'])
C["service-no-name"] = cfg(['(worker = ' + w() + ')'])
C["service-no-kind"] = cfg(['(name = "main", worker = ' + w() + ')', '(name = "ghost")'])
C["socket-no-service"] = cfg(['(name = "main", worker = ' + w() + ')'], '(name = "http", address = "127.0.0.1:8080", http = ())')
C["https-socket-no-keypair"] = cfg(['(name = "main", worker = ' + w() + ')'], '(name = "https", address = "127.0.0.1:8443", https = (), service = "main")')
C["external-no-address"] = cfg(['(name = "api", external = (http = ()))', '(name = "main", worker = ' + w('bindings = [(name = "API", service = "api")]') + ')'])
C["disk-no-path"] = cfg(['(name = "www", disk = (writable = true))'])
C["redis-no-url"] = cfg(['(name = "db", kv = (redis = (keyPrefix = "app:")))'])
C["s3-no-bucket"] = cfg(['(name = "files", storage = (s3 = (endpoint = "http://127.0.0.1:9000", region = "us-east-1")))'])

os.makedirs(OUT, exist_ok=True)
for name, text in C.items():
    with open(os.path.join(OUT, name + ".capnp"), "w") as f:
        f.write(text)
print(len(C), "configs")
