// The smallest capmesh worker: answers every request with a greeting and the
// greeting text it was given through its `env` binding.
export default {
  async fetch(request, env, ctx) {
    const url = new URL(request.url);
    return new Response(`${env.GREETING} from capmesh at ${url.pathname}\n`, {
      headers: { "content-type": "text/plain; charset=utf-8" },
    });
  },
};
