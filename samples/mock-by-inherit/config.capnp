# Testing by inheritance: "app-under-test" is "app" with its PRICES binding pointed at a mock.
# The production worker is untouched; the test worker differs only in that one binding.
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "app", worker = (
      modules = [ (name = "app.js", esModule = embed "app.js") ],
      compatibilityDate = "2024-09-01",
      bindings = [ (name = "PRICES", service = "prices") ],
    )),
    (name = "app-under-test", worker = (
      inherit = "app",
      bindings = [ (name = "PRICES", service = "mock-prices") ],
    )),
    (name = "prices", worker = (
      modules = [ (name = "prices.js", esModule = embed "prices.js") ],
      compatibilityDate = "2024-09-01",
    )),
    (name = "mock-prices", worker = (
      modules = [ (name = "mock-prices.js", esModule = embed "mock-prices.js") ],
      compatibilityDate = "2024-09-01",
    )),
  ],
  sockets = [
    (name = "http", address = "127.0.0.1:8080", http = (), service = "app"),
    (name = "test", address = "127.0.0.1:8081", http = (), service = "app-under-test"),
  ],
);
