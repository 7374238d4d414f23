# bench/crypto/hmac.sh: the worker signing with a key it imports and with a cryptoKey binding
# (the same bytes as hmac.js's KEY_HEX). hmac.sh substitutes the port.
using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
    (name = "main", worker = (
        modules = [(name = "worker.js", esModule = embed "worker.js"), (name = "hmac.js", esModule = embed "hmac.js")],
        compatibilityDate = "2024-09-01",
        bindings = [(name = "KEY", cryptoKey = (hex = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
            algorithm = (json = "{\"name\":\"HMAC\",\"hash\":\"SHA-256\"}"), extractable = false, usages = [sign, verify]))])),
  ],
  sockets = [(name = "http", address = "127.0.0.1:PORT", http = (), service = "main")],
);
