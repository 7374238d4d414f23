#!/usr/bin/env python3
"""Writes a config with N hello-world workers (services w0..wN-1); w0 listens on the socket
and holds a service binding to every other worker, so that every one of them is loaded.
Used to measure idle memory per additional worker."""
import sys
n = int(sys.argv[1])
print('using Workerd = import "/workerd/workerd.capnp";')
print('const config :Workerd.Config = (services = [')
for i in range(n):
    bindings = ""
    if i == 0 and n > 1:
        bindings = ", bindings = [" + ", ".join(
            f'(name = "W{j}", service = "w{j}")' for j in range(1, n)) + "]"
    print(f'  (name = "w{i}", worker = (modules = [(name = "w.js", esModule = '
          f'"export default {{ async fetch(r) {{ return new Response(\'w{i}\\\\n\'); }} }};")], '
          f'compatibilityDate = "2024-09-01"{bindings})),')
print('], sockets = [(name = "http", address = "127.0.0.1:8080", http = (), service = "w0")]);')
