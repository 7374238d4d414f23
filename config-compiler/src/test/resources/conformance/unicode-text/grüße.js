export default { fetch() { return new Response("Grüße, 世界 🌍"); } };
