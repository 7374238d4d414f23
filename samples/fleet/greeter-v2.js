export default {
  fetch(request, env) {
    return new Response(`hello from greeter v2 (${env.REGION})`);
  },
};
