# A socket in proxy mode forwarding to an external backend.
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "backend", external = (address = "127.0.0.1:9000", http = (style = host, forwardedProtoHeader = "X-Forwarded-Proto"))),
  ],
  sockets = [
    (name = "proxy", address = "*:8080", http = (style = proxy), service = "backend"),
  ],
);
