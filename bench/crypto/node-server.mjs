// The Node side of bench/crypto/hmac.sh: the same handler (hmac.js) behind node:http.
//   node node-server.mjs PORT
import http from 'node:http';
import { handle, importKey } from './hmac.js';

const subtle = globalThis.crypto.subtle;
const imported = importKey(subtle);
// What a cryptoKey binding is in capmesh: a non-extractable key made before any request.
const binding = await importKey(subtle);
const port = Number(process.argv[2]);

http.createServer(async (req, res) => {
  try {
    const out = await handle(`http://127.0.0.1:${port}${req.url}`, subtle, imported, binding);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(out));
  } catch (e) {
    res.writeHead(500);
    res.end(String(e));
  }
}).listen(port, '127.0.0.1');
