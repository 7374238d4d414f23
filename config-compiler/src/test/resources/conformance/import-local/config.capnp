# Importing another config file (with its own file id) and using its consts.
using Workerd = import "/workerd/workerd.capnp";
using Shared = import "shared.capnp";

const config :Workerd.Config = (
  services = [ (name = "app", worker = Shared.appWorker), Shared.filesService ],
  sockets = [ (name = "http", address = Shared.address, http = (), service = "app") ],
);
