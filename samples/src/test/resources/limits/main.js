// Paths: /env shows the environment binding; /log logs the secret; /spin never returns;
// /hog allocates memory until something stops it; anything else answers "ok".
export default {
  async fetch(request, env) {
    const path = new URL(request.url).pathname;
    if (path === "/env") return new Response(`region=${env.REGION}`);
    if (path === "/log") {
      console.log("the key is", env.API_KEY);
      return new Response(`logged ${env.API_KEY.length} chars`);
    }
    if (path === "/spin") { for (;;) {} }
    if (path === "/hog") {
      // Big buffers fill the heap long before the CPU limit: the runner's memory bound (or
      // the allocation itself) must stop this request, not the runner.
      const keep = [];
      for (;;) keep.push(new Uint8Array(32 << 20));
    }
    return new Response("ok");
  },
};
