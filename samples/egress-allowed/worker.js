// Fetches the URL given in ?url= through its globalOutbound, a network service that only
// allows loopback addresses in this sample (a real deployment would allow "public").
export default {
  async fetch(request) {
    const target = new URL(request.url).searchParams.get("url");
    try {
      const response = await fetch(target);
      return new Response(`upstream said ${response.status}: ${await response.text()}`);
    } catch (e) {
      return new Response(`refused: ${e.message}\n`, { status: 403 });
    }
  },
};
