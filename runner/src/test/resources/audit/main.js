// The worker of BindingUseEmissionTest: one binding use (or refused attempt) per path.
export default {
  async fetch(req, env) {
    const url = new URL(req.url);
    const up = url.searchParams.get('up');
    switch (url.pathname) {
      case '/kv': {
        await env.KV.put('user:1', 'hello');
        const v = await env.KV.get('user:1');
        const l = await env.KV.list({ prefix: 'user:' });
        await env.KV.delete('user:1');
        return new Response(v + ' ' + l.keys.length);
      }
      case '/kvtry': {
        try { await env.KV.get('user:1'); return new Response('ok'); } catch (e) { return new Response('error: ' + e.message); }
      }
      case '/rpc':
        return new Response(String(await env.AUTH.check('alice')));
      case '/service': {
        const r = await env.AUTH.fetch('http://auth/hello?token=t0ps3cret');
        return new Response(await r.text());
      }
      case '/unread': {
        const r = await env.AUTH.fetch('http://auth/hello');
        return new Response('status ' + r.status);
      }
      case '/crypto': {
        const data = new TextEncoder().encode('message');
        const sig = await crypto.subtle.sign('HMAC', env.KEY, data);
        let verify = 'verified';
        try { await crypto.subtle.verify('HMAC', env.KEY, sig, data); } catch (e) { verify = e.name; }
        let exported = 'exported';
        try { await crypto.subtle.exportKey('raw', env.KEY); } catch (e) { exported = e.name; }
        // a key of the worker's own is not a binding: no record
        const own = await crypto.subtle.generateKey({ name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
        await crypto.subtle.sign('HMAC', own, data);
        return new Response(sig.byteLength + ' ' + verify + ' ' + exported);
      }
      case '/disk': {
        const r = await env.FILES.fetch('http://files/hello.txt?x=1');
        const text = await r.text();
        const w = await env.FILES.fetch('http://files/new.txt', { method: 'PUT', body: 'no' });
        return new Response(text + ' ' + w.status);
      }
      case '/egress': {
        const r = await fetch('http://' + up + '/upstream?key=abc#frag', { method: 'POST', body: 'ping!' });
        return new Response(await r.text());
      }
      case '/external': {
        const r = await env.API.fetch('http://api.example/v1/thing?sig=zz');
        return new Response(await r.text());
      }
      case '/denied': {
        try { await env.NET.fetch('http://' + up + '/private'); return new Response('reached'); }
        catch (e) { return new Response('refused: ' + e.message); }
      }
      case '/secret': {
        await env.KV.get(env.SECRET);
        await env.KV.put('k-' + env.SECRET, 'v');
        const r = await env.AUTH.fetch('http://auth/' + env.SECRET + '?s=' + env.SECRET);
        await r.text();
        try { await env.AUTH[env.SECRET](); } catch (e) { /* no such method */ }
        return new Response('done');
      }
      case '/many': {
        const n = Number(url.searchParams.get('n') || '1');
        for (let i = 0; i < n; i++) await env.KV.get('k' + i);
        return new Response('ok');
      }
      default:
        return new Response('no such test', { status: 404 });
    }
  },
};
