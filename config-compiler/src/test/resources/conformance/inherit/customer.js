export default { fetch(req, env) { return new Response(env.TENANT); } };
