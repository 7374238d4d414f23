# Consts referring to consts, at several levels.
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [ .mainService, .backendService ],
  sockets = [ .httpSocket ],
);

const httpSocket :Workerd.Socket = (name = "http", address = .listenAddress, http = .httpOpts, service = .mainDesignator);
const listenAddress :Text = "*:8080";
const httpOpts :Workerd.HttpOptions = (style = host, injectResponseHeaders = .commonHeaders);
const commonHeaders :List(Workerd.HttpOptions.Header) = [ (name = "X-Frame-Options", value = "DENY") ];
const mainDesignator :Workerd.ServiceDesignator = (name = "main");

const mainService :Workerd.Service = (name = "main", worker = .mainWorker);
const backendService :Workerd.Service = (name = "backend", worker = .backendWorker);

const mainWorker :Workerd.Worker = (
  modules = .mainModules,
  compatibilityDate = .compatDate,
  compatibilityFlags = .flags,
  bindings = [ .backendBinding, (name = "GREETING", text = .greeting) ],
);
const backendWorker :Workerd.Worker = (
  modules = [ (name = "b.js", esModule = "export default {};") ],
  compatibilityDate = .compatDate,
);
const mainModules :List(Workerd.Worker.Module) = [ (name = "main.js", esModule = embed "main.js") ];
const backendBinding :Workerd.Worker.Binding = (name = "BACKEND", service = .backendDesignator);
const backendDesignator :Workerd.ServiceDesignator = (name = "backend", entrypoint = "default");
const compatDate :Text = "2024-03-04";
const flags :List(Text) = ["nodejs_compat", "streams_enable_constructors"];
const greeting :Text = "hello";
