# Every module kind, plus namedExports.
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [ (name = "mods", worker = (
    modules = [
      (name = "main.js", esModule = "import cjs from './lib.cjs'; export default {};"),
      (name = "lib.cjs", commonJsModule = "module.exports = { a: 1 };", namedExports = ["a", "b"]),
      (name = "readme.txt", text = "just text"),
      (name = "bytes.bin", data = 0x"00ff"),
      (name = "add.wasm", wasm = embed "add.wasm"),
      (name = "data.json", json = "{\"k\": [true, null]}"),
      (name = "old", obsolete = "obsolete module"),
      (name = "main.py", pythonModule = "from js import Response\ndef on_fetch(request):\n    return Response.new('py')\n"),
      (name = "req", obsoletePythonRequirement = "numpy"),
      (name = "bundle", bundled = "bundled source"),
      (name = "empty-exports.cjs", commonJsModule = "module.exports = {};", namedExports = []),
    ],
    compatibilityDate = "2024-01-01",
    compatibilityFlags = ["nodejs_compat", "python_workers"],
  )) ],
);
