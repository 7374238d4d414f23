# Cluster settings (compiled as data).
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  cluster = (
    bucket = "cluster-bucket",
    bucketOptions = ["region=eu", "tier=hot"],
    address = "10.0.0.5:7000",
    advertise = "node5.internal:7000",
    key = "shared-cluster-key",
    unsafePublicAddress = true,
    stopTimeoutMs = 120000,
    unsafeTimeDivisor = 4,
  ),
  services = [ (name = "b", bucket = (path = "objects/")) , (name = "b2", bucket = ()) ],
);
