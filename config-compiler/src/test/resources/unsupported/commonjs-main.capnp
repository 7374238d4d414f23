using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
    (name = "main", worker = (modules = [(name = "main.js", commonJsModule = "module.exports = { fetch() { return new Response(require('./lib.js').x); } };"), (name = "lib.js", commonJsModule = "exports.x = 'hi';")], compatibilityDate = "2024-09-01")),
  ],
  sockets = [(name = "web", address = "127.0.0.1:8080", http = (), service = "main")],
);
