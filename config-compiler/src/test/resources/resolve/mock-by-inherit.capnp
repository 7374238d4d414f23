# Testing with a mock: the test worker is the app with one binding pointed elsewhere,
# and its egress switched to a network service; a chain of two derivations.
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "app", worker = (
      modules = [(name = "app.js", esModule = "export default {}")],
      compatibilityDate = "2024-09-01",
      bindings = [(name = "PRICES", service = "prices"), (name = "CURRENCY", text = "EUR")],
    )),
    (name = "app-test", worker = (inherit = "app",
      bindings = [(name = "PRICES", service = "mock-prices")],
      globalOutbound = "internet")),
    (name = "app-test-usd", worker = (inherit = "app-test",
      bindings = [(name = "CURRENCY", text = "USD")])),
    (name = "prices", worker = (modules = [(name = "p.js", esModule = "export default {}")], compatibilityDate = "2024-09-01")),
    (name = "mock-prices", worker = (modules = [(name = "m.js", esModule = "export default {}")], compatibilityDate = "2024-09-01")),
    (name = "internet", network = (allow = ["public"], deny = ["10.0.0.0/8"])),
  ],
);
