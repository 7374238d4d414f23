export default { fetch(r, env) { return env.BACKEND.fetch(r); } };
