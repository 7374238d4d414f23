// A CommonJS main module: module.exports is the default export, so its fetch serves the
// public socket; "admin" is declared in namedExports, so the admin socket can name it.
const { greet } = require('./lib/greet.js');
const banner = require('./lib/banner.txt');

module.exports = {
  fetch(request) {
    return new Response(greet(new URL(request.url).pathname.slice(1) || 'world') + '\n');
  },
  admin: {
    fetch(request, env, ctx) {
      return new Response(`${banner.trim()} (role: ${ctx.props.role})\n`);
    },
  },
};
