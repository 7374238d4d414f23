// The real price service (in production this would talk to a database).
export default {
  async fetch(request) {
    return Response.json({ price: 42 });
  },
};
