// Last hop: answers.
export default {
  async fetch(request) {
    return new Response(`back ${new URL(request.url).pathname}`);
  },
};
