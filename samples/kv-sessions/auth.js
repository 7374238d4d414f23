// POST /login?user=NAME starts a session (an hour long); GET /me answers who the session's
// cookie belongs to; POST /logout ends it.
export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    const sid = (request.headers.get('cookie') || '').match(/(?:^|; )sid=([0-9a-f-]+)/)?.[1];
    if (request.method === 'POST' && url.pathname === '/login') {
      const user = url.searchParams.get('user');
      if (!user) return new Response('user is required\n', { status: 400 });
      const id = crypto.randomUUID();
      await env.SESSIONS.put(id, JSON.stringify({ user }), { expirationTtl: 3600, metadata: { user } });
      return new Response(`welcome ${user}\n`, { headers: { 'set-cookie': `sid=${id}; HttpOnly` } });
    }
    if (url.pathname === '/me') {
      const session = sid && await env.SESSIONS.get(sid, 'json');
      return session ? new Response(`you are ${session.user}\n`) : new Response('no session\n', { status: 401 });
    }
    if (request.method === 'POST' && url.pathname === '/logout') {
      if (sid) await env.SESSIONS.delete(sid);
      return new Response('bye\n');
    }
    if (url.pathname === '/sessions') {
      const { keys } = await env.SESSIONS.list();
      return Response.json(keys.map((k) => k.metadata.user));
    }
    return new Response('not found\n', { status: 404 });
  },
};
