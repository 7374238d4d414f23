# The config const has another name (see const.txt); other Config consts are ignored.
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = ( services = [ (name = "wrong") ] );

const production :Workerd.Config = (
  services = [ (name = "prod", worker = (serviceWorkerScript = "addEventListener('fetch', e => e.respondWith(new Response('prod')));", compatibilityDate = "2023-10-30")) ],
  sockets = [ (name = "http", address = "*:80", http = (), service = "prod") ],
);
