// bench/crypto/hmac.sh's workload: one file, run unchanged by Node and by a capmesh worker.
// Signs a fixed 1 KiB buffer with HMAC-SHA256 through crypto.subtle, N times.
export const KEY_HEX = '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f';
export const DATA = new Uint8Array(1024);
for (let i = 0; i < DATA.length; i++) DATA[i] = (i * 131 + 7) & 255;
const ALG = { name: 'HMAC', hash: 'SHA-256' };

export function importKey(subtle) {
  const raw = new Uint8Array(KEY_HEX.length / 2);
  for (let i = 0; i < raw.length; i++) raw[i] = parseInt(KEY_HEX.slice(2 * i, 2 * i + 2), 16);
  return subtle.importKey('raw', raw, ALG, false, ['sign', 'verify']);
}

export function hex(buffer) {
  let s = '';
  for (const b of new Uint8Array(buffer)) s += (b < 16 ? '0' : '') + b.toString(16);
  return s;
}

// n signs, awaited one by one (inflight 1) or in batches of `inflight` under Promise.all.
export async function signs(subtle, key, n, inflight) {
  const t0 = Date.now();
  let last;
  if (inflight <= 1) {
    for (let i = 0; i < n; i++) last = await subtle.sign('HMAC', key, DATA);
  } else {
    for (let done = 0; done < n; done += inflight) {
      const batch = [];
      for (let j = 0; j < inflight && done + j < n; j++) batch.push(subtle.sign('HMAC', key, DATA));
      const all = await Promise.all(batch);
      last = all[all.length - 1];
    }
  }
  return { count: n, ms: Date.now() - t0, sig: hex(last) };
}

// The request handler both sides serve: /ping, or /sign?n=N&inflight=K&key=imported|binding.
// `imported` is a promise of the key imported once at module scope; `binding` is env.KEY (in
// capmesh a cryptoKey binding from the config; in Node a key the host imported at startup).
export async function handle(url, subtle, imported, binding) {
  const u = new URL(url);
  if (u.pathname === '/ping') return { ok: true };
  const n = Number(u.searchParams.get('n') || '1');
  const inflight = Number(u.searchParams.get('inflight') || '1');
  const key = u.searchParams.get('key') === 'binding' ? binding : await imported;
  return signs(subtle, key, n, inflight);
}
