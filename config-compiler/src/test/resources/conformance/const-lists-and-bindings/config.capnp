# List consts and binding consts reused in several workers.
using Workerd = import "/workerd/workerd.capnp";

const commonBindings :List(Workerd.Worker.Binding) = [
  (name = "ENV", text = "production"),
  (name = "REGION", text = "eu-west"),
];
const commonFlags :List(Text) = ["nodejs_compat"];
const jsModule :Workerd.Worker.Module = (name = "index.js", esModule = "export default {};");

const config :Workerd.Config = (
  services = [
    (name = "one", worker = (modules = [.jsModule], compatibilityDate = "2024-01-01", compatibilityFlags = .commonFlags, bindings = .commonBindings)),
    (name = "two", worker = (modules = [.jsModule, (name = "extra.js", esModule = "export {};")], compatibilityDate = "2024-01-01", bindings = .commonBindings)),
  ],
);
