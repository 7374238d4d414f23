# External HTTP service with every HttpOptions field.
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "upstream", external = (
      address = "upstream.example:80",
      http = (
        style = host,
        forwardedProtoHeader = "X-Forwarded-Proto",
        cfBlobHeader = "CF-Blob",
        injectRequestHeaders = [
          (name = "X-Request-Source", value = "capmesh"),
          (name = "X-Empty", value = ""),
        ],
        injectResponseHeaders = [ (name = "Server", value = "mesh") ],
        capnpConnectHost = "capnp.local",
      ),
    )),
  ],
);
