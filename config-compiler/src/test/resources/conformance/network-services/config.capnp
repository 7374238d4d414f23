# Network services with allow/deny lists.
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "internet", network = (allow = ["public"], deny = [], tlsOptions = (trustBrowserCas = true))),
    (name = "lan", network = (allow = ["private", "local"], deny = ["10.1.0.0/16"])),
    (name = "everything", network = (allow = ["public", "private", "local", "network", "unix", "unix-abstract"])),
    (name = "v6", network = (allow = ["2001:db8::/32", "::1/128"], deny = ["2001:db8:dead::/48"])),
    (name = "default-network", network = ()),
  ],
);
