# Durable object namespaces with container options.
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [ (name = "c", worker = (
    modules = [ (name = "c.js", esModule = "export class Box {} export default {};") ],
    compatibilityDate = "2025-01-01",
    durableObjectNamespaces = [
      (className = "Box", uniqueKey = "box",
       container = (
         imageName = "registry.local/box:1",
         privileges = (
           capabilities = ["NET_ADMIN", "SYS_PTRACE"],
           devices = [
             (pathOnHost = "/dev/fuse", pathInContainer = "/dev/fuse", cgroupPermissions = "rwm"),
             (pathOnHost = "/dev/null"),
           ],
           securityOpt = ["seccomp=unconfined"],
         ),
         images = [ (name = "sidecar", image = "registry.local/sidecar:2") ],
       )),
      (className = "Plain", uniqueKey = "plain", container = ()),
    ],
    durableObjectStorage = (inMemory = void),
    containerEngine = (localDocker = (socketPath = "unix:/run/docker.sock")),
  )) ],
);
