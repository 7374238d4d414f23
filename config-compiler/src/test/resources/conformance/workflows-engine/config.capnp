# A worker with a workflows engine.
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "wf", worker = (
      modules = [ (name = "wf.js", esModule = "export class Engine {} export class MyFlow {} export default {};") ],
      compatibilityDate = "2024-10-01",
      workflowsEngine = (
        actorClass = (name = "wf", entrypoint = "Engine"),
        workflows = [
          (className = "MyFlow", name = "my-flow", bindingService = "wf"),
          (className = "Other", name = "other-flow"),
        ],
      ),
    )),
  ],
);
