export default { fetch(r, env) { return env.FILES.fetch(r); } };
