# A worker written in CommonJS, served on two sockets: the public one reaches module.exports
# (the default export), the admin one its named export "admin" with props.
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "app", worker = (
      modules = [
        (name = "main.js", commonJsModule = embed "main.js", namedExports = ["admin"]),
        (name = "lib/greet.js", commonJsModule = embed "lib/greet.js"),
        (name = "lib/banner.txt", text = embed "lib/banner.txt"),
      ],
      compatibilityDate = "2024-09-01",
    )),
  ],
  sockets = [
    (name = "http", address = "127.0.0.1:8080", http = (), service = "app"),
    (name = "admin", address = "127.0.0.1:8081", http = (),
     service = (name = "app", entrypoint = "admin", props = (json = "{\"role\": \"operator\"}"))),
  ],
);
