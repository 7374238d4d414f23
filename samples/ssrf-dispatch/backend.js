// A backend that says who it is (its name arrives as a text binding).
export default {
  async fetch(request, env) {
    return new Response(`${env.NAME} handled ${new URL(request.url).pathname}\n`);
  },
};
