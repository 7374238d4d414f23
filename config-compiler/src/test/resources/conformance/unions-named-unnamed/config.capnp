# Every named and unnamed union, each member at least once.
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "unspec"),
    (name = "unspec2", unspecified = void),
    (name = "w-modules", worker = (modules = [ (name = "a.js", esModule = "export default {};") ], compatibilityDate = "2024-01-01",
      durableObjectStorage = (none = void), containerEngine = (none = void))),
    (name = "w-script", worker = (serviceWorkerScript = "addEventListener('fetch', () => {});", compatibilityDate = "2024-01-01",
      durableObjectStorage = (inMemory = void))),
    (name = "w-inherit", worker = (inherit = "w-modules")),
    (name = "w-docker", worker = (modules = [ (name = "c.js", esModule = "export default {};") ], compatibilityDate = "2024-01-01",
      containerEngine = (localDocker = (socketPath = "unix:/var/run/docker.sock", containerEgressInterceptorImage = "egress:latest", sessionId = "s1")))),
    (name = "props-empty", worker = (modules = [ (name = "p.js", esModule = "export default {};") ], compatibilityDate = "2024-01-01",
      bindings = [
        (name = "A", service = (name = "w-modules", props = (empty = void))),
        (name = "B", service = (name = "w-modules", props = (json = "{}"))),
        (name = "K1", cryptoKey = (pkcs8 = "p", algorithm = (name = "RSA-PSS"))),
        (name = "K2", cryptoKey = (spki = "s", algorithm = (json = "{\"name\":\"RSA-PSS\",\"hash\":\"SHA-512\"}"))),
      ])),
  ],
);
