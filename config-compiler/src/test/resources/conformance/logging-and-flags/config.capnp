# Top-level logging, structured logging, V8 flags and autogates.
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  structuredLogging = true,
  logging = (structuredLogging = true, stdoutPrefix = "[out] ", stderrPrefix = "[err] "),
  v8Flags = ["--expose-gc"],
  autogates = ["workerd-autogate-example"],
  services = [ (name = "w", worker = (serviceWorkerScript = "addEventListener('fetch', e => e.respondWith(new Response('x')));", compatibilityDate = "2023-01-01")) ],
);
