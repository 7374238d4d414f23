// Serves files from the `ASSETS` disk service; "/" maps to index.html. The worker can read
// nothing else: the disk service is confined to its directory.
export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    if (url.pathname === "/") url.pathname = "/index.html";
    return env.ASSETS.fetch(new Request(url, request));
  },
};
