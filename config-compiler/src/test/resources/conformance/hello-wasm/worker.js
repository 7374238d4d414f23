const instance = new WebAssembly.Instance(ADD);
addEventListener("fetch", e => e.respondWith(new Response(String(instance.exports.add(2, 3)))));
