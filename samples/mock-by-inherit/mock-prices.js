// A mock price service for tests: always the same, obviously fake price.
export default {
  async fetch() {
    return Response.json({ price: 1 });
  },
};
