# Deeply nested values: wrapped bindings inside wrapped bindings, containers.
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [ (name = "deep", worker = (
    modules = [ (name = "d.js", esModule = "export default {};") ],
    compatibilityDate = "2024-01-01",
    bindings = [
      (name = "L1", wrapped = (moduleName = "m1", entrypoint = "wrap", innerBindings = [
        (name = "L2", wrapped = (moduleName = "m2", innerBindings = [
          (name = "L3", wrapped = (moduleName = "m3", innerBindings = [
            (name = "L4", wrapped = (moduleName = "m4", innerBindings = [
              (name = "leaf", text = "bottom"),
              (name = "key", cryptoKey = (hex = "aa", algorithm = (json = "{\"name\":\"HMAC\",\"hash\":{\"name\":\"SHA-1\"}}"), usages = [sign])),
              (name = "svc", service = (name = "deep", entrypoint = "x", props = (json = "{\"depth\":4}"))),
            ])),
          ])),
        ])),
      ])),
    ],
  )) ],
);
