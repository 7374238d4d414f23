using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "net", network = (allow = ["public", "everything", "10.0.0.0/99", "::1/129", "10.0.0.0", "Public", "", " 10.0.0.0/8", "fc00::/7", "unix"], deny = ["public", "network", "local", "10.1.2.3/x", "1.2.3.4/-1"]))
  ],
);
