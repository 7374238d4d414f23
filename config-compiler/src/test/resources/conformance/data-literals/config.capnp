# Data values: hex literals, text literals and embedded binary.
using Workerd = import "/workerd/workerd.capnp";

const blob :Data = 0x"de ad be ef";

const config :Workerd.Config = (
  services = [ (name = "d", worker = (
    modules = [
      (name = "d.js", esModule = "export default {};"),
      (name = "blob.bin", data = embed "blob.bin"),
      (name = "hex.bin", data = 0x"0001 0203 fffe"),
      (name = "text.bin", data = "plain bytes"),
    ],
    compatibilityDate = "2024-01-01",
    bindings = [
      (name = "DEADBEEF", data = .blob),
      (name = "SPACED", data = 0x"de ad  be ef 00"),
      (name = "NOSPACE", data = 0x"cafebabe"),
      (name = "EMPTY", data = ""),
      (name = "FROM_TEXT", data = "bytes"),
      (name = "BINFILE", data = embed "blob.bin"),
    ],
  )) ],
);
