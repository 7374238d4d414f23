# A worker serving static files from a disk service.
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "site", worker = .site),
    (name = "site-files", disk = "content-dir"),
  ],
  sockets = [ (name = "http", address = "*:8080", http = (), service = "site") ],
);

const site :Workerd.Worker = (
  modules = [ (name = "static.js", esModule = embed "static.js") ],
  compatibilityDate = "2022-09-16",
  bindings = [
    (name = "files", service = "site-files"),
    (name = "config", json = "{\"hideHtmlExtension\": true, \"index\": \"index.html\"}"),
  ],
);
