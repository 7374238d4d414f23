// Calls the auth worker over JS RPC: arguments and results are structured-cloned, and a
// thrown error arrives as an exception with its message.
export default {
  async fetch(request, env) {
    const token = request.headers.get("authorization") ?? "";
    try {
      const who = await env.AUTH.verify(token);
      return Response.json({ ok: true, who });
    } catch (e) {
      return Response.json({ ok: false, error: e.message }, { status: 401 });
    }
  },
};
