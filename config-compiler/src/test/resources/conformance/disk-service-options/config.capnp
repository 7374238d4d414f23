# Disk services with every option, written and defaulted.
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "ro", disk = (path = "/srv/ro")),
    (name = "rw", disk = (path = "/srv/rw", writable = true)),
    (name = "dots", disk = (path = "/srv/dots", writable = false, allowDotfiles = true)),
    (name = "shorthand", disk = "relative/dir"),
  ],
);
