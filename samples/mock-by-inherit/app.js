// The application: reads prices from the PRICES service binding.
export default {
  async fetch(request, env) {
    const sku = new URL(request.url).pathname.slice(1) || "widget";
    const response = await env.PRICES.fetch(`http://prices/${sku}`);
    const { price } = await response.json();
    return new Response(`${sku} costs ${price}\n`);
  },
};
