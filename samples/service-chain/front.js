// First hop: adds a header and forwards to the middle service.
export default {
  async fetch(request, env) {
    const forwarded = new Request(request);
    forwarded.headers.set("x-chain", "front");
    const response = await env.MIDDLE.fetch(forwarded);
    return new Response(`front -> ${await response.text()}`, response);
  },
};
