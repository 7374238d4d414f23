// A worker without globalOutbound: its fetch() is refused.
export default {
  async fetch(req) {
    try { await fetch('http://a:b@127.0.0.1:9/steal?what=all'); return new Response('reached'); }
    catch (e) { return new Response(e.message); }
  },
};
