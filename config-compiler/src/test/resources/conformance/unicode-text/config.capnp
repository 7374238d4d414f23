# UTF-8 text in names, values and embedded files.
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [ (name = "ünïcödé", worker = (
    modules = [ (name = "grüße.js", esModule = embed "grüße.js") ],
    compatibilityDate = "2024-01-01",
    bindings = [
      (name = "GREEK", text = "Καλημέρα κόσμε"),
      (name = "CJK", text = "こんにちは世界 你好"),
      (name = "EMOJI", text = "🚀 ✓ 💾"),
      (name = "RTL", text = "שלום עולם"),
      (name = "COMBINING", text = "é combining accent"),
      (name = "ESCAPED_UTF8", text = "\xc3\xa9"),
    ],
  )) ],
);
