// One KV read and one JS RPC call per request: two audited binding uses.
export default {
  async fetch(request, env) {
    const currency = (await env.FLAGS.get('currency')) ?? 'EUR';
    const price = await env.PRICES.quote('widget', currency);
    return new Response(`widget: ${price} ${currency}\n`);
  },
};
