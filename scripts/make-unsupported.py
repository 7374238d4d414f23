#!/usr/bin/env python3
"""Writes config-compiler/src/test/resources/unsupported: configs that compile (valid workerd
configs) but use what this runner cannot serve yet, with the diagnostics RunnerSupport must give.

As in make-invalid-syntax.py, each expected diagnostic is written by hand here, its position
given as a marker (a substring of the config and which occurrence of it), so expectations never
come from the code under test. A case without diagnostics must be fully servable.
"""
import os, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from golden_cases import write_cases  # noqa: E402

H = 'using Workerd = import "/workerd/workerd.capnp";\n'
JS = 'modules = [(name = "w.js", esModule = "export default {}")], compatibilityDate = "2024-09-01"'
CASES = []

def case(name, text, *errors):
    CASES.append((name, text, errors))

def w(extra=""):
    return "(" + JS + (", " + extra if extra else "") + ")"

case("modules-and-fields", H + '''const config :Workerd.Config = (
  services = [
    (name = "wasm", worker = (modules = [(name = "m.js", esModule = "export default {}"), (name = "a.wasm", wasm = 0x"0061736d01000000")], compatibilityDate = "2024-09-01")),
    (name = "textFirst", worker = (modules = [(name = "t.txt", text = "hi"), (name = "m.js", esModule = "export default {}")], compatibilityDate = "2024-09-01")),
    (name = "py", worker = (modules = [(name = "main.py", pythonModule = "def on_fetch(r): pass")], compatibilityDate = "2024-09-01")),
    (name = "boxes", worker = (''' + JS + ''', containerEngine = (localDocker = (socketPath = "unix:/run/docker.sock")))),
  ],
);
''',
     ('(name = "a.wasm"', 1, 'Worker "wasm"\'s module "a.wasm" is a wasm module, which this runner cannot load yet.', None),
     ('(name = "t.txt"', 1, 'Worker "textFirst"\'s first module "t.txt" is a text module; this runner needs the main module to be an esModule or a commonJsModule.', 'list the worker\'s main JavaScript module first'),
     ('(name = "main.py"', 1, 'Worker "py"\'s module "main.py" is a pythonModule module, which this runner cannot load yet.', None),
     ('containerEngine', 1, 'Worker "boxes" sets containerEngine, which this runner does not support yet.', None))

case("sockets-and-services", H + '''const config :Workerd.Config = (
  services = [
    (name = "main", worker = ''' + w('bindings = [(name = "API", service = "api")], globalOutbound = "tcpOut"') + '''),
    (name = "api", external = (address = "127.0.0.1:9443", https = ())),
    (name = "tcpOut", external = (address = "127.0.0.1:9000", tcp = ())),
    (name = "unusedTls", external = (address = "127.0.0.1:9444", https = ())),
    (name = "www", disk = (path = "/srv")),
    (name = "net", network = (allow = ["public"])),
    (name = "plain", external = (address = "127.0.0.1:8000")),
  ],
  sockets = [
    (name = "web", address = "127.0.0.1:8080", http = (), service = "main"),
    (name = "dns", address = "127.0.0.1:5353", udp = (), service = "main"),
    (name = "static", address = "127.0.0.1:8081", service = "www"),
  ],
);
''',
     ('external = (address = "127.0.0.1:9000"', 1, 'Service "tcpOut" is an external service over tcp, which this runner cannot serve yet.', 'use http = (...) or https = (...) to reach it'),
     ('udp = ()', 1, 'Socket "dns" is a udp socket; this runner serves only http and https sockets so far.', 'serve it over http = (...) or https = (...)'))

# TLS settings the runner cannot read, each reported where it is written. (Key pairs that parse
# but do not belong together are tested with generated keys in TlsSupportTest.)
BAD_CERT = '-----BEGIN CERTIFICATE-----\\nAAAA\\n-----END CERTIFICATE-----\\n'
case("tls-options", H + '''const config :Workerd.Config = (
  services = [
    (name = "main", worker = ''' + w('bindings = [(name = "API", service = "api")], globalOutbound = "net"') + '''),
    (name = "api", external = (address = "127.0.0.1:9443", https = (tlsOptions = (
        trustedCertificates = ["not a certificate", "''' + BAD_CERT + '''"],
        cipherList = "HIGH:!aNULL")))),
    (name = "net", network = (allow = ["private"], tlsOptions = (trustBrowserCas = true, cipherList = "ECDHE-RSA-RC4-SHA"))),
  ],
  sockets = [
    (name = "web", address = "127.0.0.1:8443", service = "main", https = (tlsOptions = (
        keypair = (privateKey = "hunter2", certificateChain = "''' + BAD_CERT + '''")))),
  ],
);
''',
     ('"not a certificate"', 1, 'Service "api"\'s tlsOptions: trustedCertificates[0]: not PEM (expected: -----BEGIN ...----- lines).', None),
     ('"-----BEGIN CERTIFICATE', 1, 'Service "api"\'s tlsOptions: trustedCertificates[1]: certificate 1 is not a valid X.509 certificate.', None),
     ('cipherList = "HIGH', 1, 'Service "api"\'s tlsOptions: cipherList: "HIGH": OpenSSL cipher keywords and operators are not supported (expected: cipher suite names separated by colons).', 'list suites by name, e.g. "ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES128-GCM-SHA256"'),
     ('cipherList = "ECDHE', 1, 'Service "net"\'s tlsOptions: cipherList: "ECDHE-RSA-RC4-SHA" is not a cipher suite name this runner knows (expected: e.g. ECDHE-RSA-AES128-GCM-SHA256).', 'list suites by name, e.g. "ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES128-GCM-SHA256"'),
     ('certificateChain = ', 1, 'Socket "web"\'s tlsOptions: certificateChain: certificate 1 is not a valid X.509 certificate.', None))

case("bindings", H + '''const config :Workerd.Config = (
  services = [
    (name = "main", worker = ''' + w('bindings = [(name = "T", text = "t"), (name = "S", secret = "s"), (name = "J", json = "{}"), (name = "D", data = 0x"00"), (name = "E", fromEnvironment = "HOME"), (name = "API", service = "kvMock"), (name = "KV", kvNamespace = "kvMock"), (name = "R2", r2Bucket = "disk"), (name = "Q", queue = "kvMock"), (name = "W", wasmModule = 0x"0061736d01000000"), (name = "DB", kvNamespace = "db"), (name = "FILES", kvNamespace = "disk")]') + '''),
    (name = "kvMock", worker = ''' + w() + '''),
    (name = "disk", disk = (path = "/tmp/blobs", writable = true)),
    (name = "db", kv = (redis = (url = "redis://127.0.0.1:6379", keyPrefix = "app:", passwordEnv = "REDIS_PASSWORD"))),
  ],
);
''',
     ('r2Bucket', 1, 'Worker "main"\'s binding "R2" is an r2Bucket binding, which this runner does not support yet.', None),
     ('queue', 1, 'Worker "main"\'s binding "Q" is a queue binding, which this runner does not support yet.', None),
     ('wasmModule', 1, 'Worker "main"\'s binding "W" is a wasmModule binding, which this runner does not support yet.', None))

# Not started, so not judged: an abstract base service, an unused Worker constant, a kv service
# only reached through a kvNamespace binding of a constant nobody runs.
case("not-started", H + '''const config :Workerd.Config = (
  services = [
    (name = "base", worker = ''' + w('bindings = [(name = "DB", parameter = (type = (kvNamespace = void))), (name = "K", cryptoKey = (raw = 0x"00", algorithm = (name = "HMAC"), usages = [sign]))]') + '''),
    (name = "db", kv = (embedded = (path = "/tmp/db"))),
    (name = "main", worker = ''' + w('bindings = [(name = "T", text = "t")]') + '''),
  ],
  sockets = [(name = "web", address = "127.0.0.1:8080", http = (), service = "main")],
);
const spare :Workerd.Worker = ''' + w('bindings = [(name = "DB", kvNamespace = "db")]') + ''';
''')

# Servable: a commonJsModule as the main module, requiring another one.
case("commonjs-main", H + '''const config :Workerd.Config = (
  services = [
    (name = "main", worker = (modules = [(name = "main.js", commonJsModule = "module.exports = { fetch() { return new Response(require('./lib.js').x); } };"), (name = "lib.js", commonJsModule = "exports.x = 'hi';")], compatibilityDate = "2024-09-01")),
  ],
  sockets = [(name = "web", address = "127.0.0.1:8080", http = (), service = "main")],
);
''')

write_cases(CASES, "config-compiler/src/test/resources/unsupported", newline_when_empty=False)
