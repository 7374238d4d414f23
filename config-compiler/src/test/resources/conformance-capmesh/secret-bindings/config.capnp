# Secret bindings next to ordinary text bindings.
using Capmesh = import "/capmesh/capmesh.capnp";

const config :Capmesh.Config = (
  services = [ (name = "app", worker = (
    modules = [ (name = "app.js", esModule = "export default { fetch(r, env) { return new Response(env.PUBLIC); } };") ],
    compatibilityDate = "2024-06-01",
    bindings = [
      (name = "PUBLIC", text = "not secret"),
      (name = "API_TOKEN", secret = "tok_live_0123456789abcdef"),
      (name = "MULTILINE", secret = "line1\nline2\t\"quoted\"\\"),
      (name = "UNICODE", secret = "pässwörd🔑"),
      (name = "EMPTY", secret = ""),
      (name = "FROM_ENV", fromEnvironment = "DB_PASSWORD"),
    ],
  )) ],
);
