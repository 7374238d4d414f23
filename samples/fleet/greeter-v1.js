export default {
  fetch() {
    return new Response("hello from greeter v1");
  },
};
