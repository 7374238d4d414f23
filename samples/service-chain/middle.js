// Second hop: appends itself and asks the back service.
export default {
  async fetch(request, env) {
    const response = await env.BACK.fetch(request);
    return new Response(`middle(${request.headers.get("x-chain")}) -> ${await response.text()}`);
  },
};
