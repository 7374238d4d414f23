export default {
  async fetch(request, env) {
    await env.CACHE.put("last", new Date().toISOString(), { expirationTtl: 60 });
    return new Response(await env.SESSIONS.get("x") ?? "none");
  },
};
