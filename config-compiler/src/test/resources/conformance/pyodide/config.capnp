# A Python worker (the pyodide sample).
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [ (name = "main", worker = (
    modules = [ (name = "worker.py", pythonModule = embed "worker.py") ],
    compatibilityDate = "2024-01-15",
    compatibilityFlags = ["python_workers"],
  )) ],
  sockets = [ (name = "http", address = "*:8080", http = (), service = "main") ],
);
