using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "files", storage = (s3 = (endpoint = "http://127.0.0.1:9000", region = "us-east-1")))
  ],
);
