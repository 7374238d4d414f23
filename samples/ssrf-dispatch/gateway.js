// A gateway that dispatches by path to the services it holds bindings for — and nothing
// else. A request that names an arbitrary URL ("/fetch?url=http://169.254.169.254/") cannot
// make the gateway reach it: the worker has no globalOutbound, so fetch() rejects, and env
// holds only the bound services.
const ROUTES = { users: "USERS", orders: "ORDERS" };

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    if (url.pathname === "/fetch") {
      try {
        const target = url.searchParams.get("url");
        await fetch(target);
        return new Response("unexpected: fetched " + target, { status: 500 });
      } catch (e) {
        return new Response(`refused: ${e.name}: ${e.message}\n`, { status: 403 });
      }
    }
    const [, first] = url.pathname.split("/");
    const binding = ROUTES[first];
    if (!binding || !env[binding]) {
      return new Response(`no route for /${first}\n`, { status: 404 });
    }
    return env[binding].fetch(request);
  },
};
