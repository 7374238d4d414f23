// Answers on the socket; the greeting comes from the "greeter" worker over a service binding.
export default {
  async fetch(request, env) {
    const greeting = await (await env.GREETER.fetch(request)).text();
    return new Response(`front: ${greeting}\n`);
  },
};
