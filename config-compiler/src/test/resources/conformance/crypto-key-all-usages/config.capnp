# One key with every usage, and one with none.
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [ (name = "k", worker = (
    modules = [ (name = "k.js", esModule = "export default {};") ],
    compatibilityDate = "2024-01-01",
    bindings = [
      (name = "all", cryptoKey = (hex = "ff", algorithm = (name = "X"),
        usages = [encrypt, decrypt, sign, verify, deriveKey, deriveBits, wrapKey, unwrapKey])),
      (name = "none", cryptoKey = (hex = "00", algorithm = (name = "Y"), usages = [])),
      (name = "defaults", cryptoKey = (base64 = "")),
    ],
  )) ],
);
