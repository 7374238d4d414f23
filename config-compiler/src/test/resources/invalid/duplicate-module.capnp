using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "main", worker = (modules = [(name = "a.js", esModule = "export default {}"), (name = "a.js", text = "x")], compatibilityDate = "2024-09-01"))
  ],
);
