using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "db", kv = (embedded = (path = "/tmp/db")))
  ],
  sockets = [
    (name = "http", address = "127.0.0.1:8080", http = (), service = "db")
  ],
);
