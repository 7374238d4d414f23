# Every escape sequence of the text literal syntax.
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [ (name = "esc", worker = (
    modules = [ (name = "e.js", esModule = "export default {};") ],
    compatibilityDate = "2024-01-01",
    bindings = [
      (name = "newline", text = "line1\nline2"),
      (name = "tab", text = "a\tb"),
      (name = "quote", text = "say \"hi\""),
      (name = "single", text = "it\'s"),
      (name = "backslash", text = "C:\\path\\to"),
      (name = "hex", text = "\x41\x42\x43"),
      (name = "octal", text = "\101\102\103"),
      (name = "controls", text = "\a\b\f\r\v"),
      (name = "question", text = "why\?"),
      (name = "mixed", text = "\x7e\t\"\\\n\060"),
      (name = "empty", text = ""),
      (name = "dataEscapes", data = "\x00\xff\n"),
    ],
  )) ],
);
