export default {
  async fetch(request, env) {
    return env.API.fetch(request);
  },
};
