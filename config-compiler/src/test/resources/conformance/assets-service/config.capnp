# The assets service kind.
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "assets", assets = (
      path = "public",
      config = "{\"html_handling\":\"auto-trailing-slash\"}",
      userWorker = "app",
      compatibilityDate = "2024-09-01",
      compatibilityFlags = ["assets_navigation_prefers_asset_serving"],
    )),
    (name = "assets-min", assets = ()),
    (name = "app", worker = (modules = [ (name = "app.js", esModule = "export default {};") ], compatibilityDate = "2024-09-01")),
  ],
  sockets = [ (name = "http", address = "*:8080", http = (), service = "assets") ],
);
