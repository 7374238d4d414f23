using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
    (name = "wasm", worker = (modules = [(name = "m.js", esModule = "export default {}"), (name = "a.wasm", wasm = 0x"0061736d01000000")], compatibilityDate = "2024-09-01")),
    (name = "textFirst", worker = (modules = [(name = "t.txt", text = "hi"), (name = "m.js", esModule = "export default {}")], compatibilityDate = "2024-09-01")),
    (name = "py", worker = (modules = [(name = "main.py", pythonModule = "def on_fetch(r): pass")], compatibilityDate = "2024-09-01")),
    (name = "boxes", worker = (modules = [(name = "w.js", esModule = "export default {}")], compatibilityDate = "2024-09-01", containerEngine = (localDocker = (socketPath = "unix:/run/docker.sock")))),
  ],
);
