// Service-worker syntax: the handler is registered with addEventListener.
addEventListener("fetch", (event) => {
  event.respondWith(new Response(`Hello from a service worker, ${GREETING}\n`));
});
