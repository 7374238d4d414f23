export class ChatRoom { constructor(state, env) { this.state = state; } async fetch() { return new Response("room"); } }
export class RateLimiter { async fetch() { return new Response("ok"); } }
export class Scratch { async fetch() { return new Response("scratch"); } }
export default { async fetch(req, env) { return env.rooms.get(env.rooms.idFromName("a")).fetch(req); } };
