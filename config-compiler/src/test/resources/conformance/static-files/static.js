export default {
  async fetch(req, env) {
    const url = new URL(req.url);
    return env.files.fetch(new URL(url.pathname || "/index.html", "http://dummy"));
  },
};
