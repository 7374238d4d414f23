#!/usr/bin/env node
// Writes runner/src/test/resources/web-conformance/crypto.cases.json: the inputs of the crypto
// differential test (JsWebConformanceTest, area "crypto"). Run once; the output is checked in.
// Keys are generated here by Node and embedded as JWK, so every run makes different keys: after
// running it, the "origin": "capmesh" cases (signatures and RSA-OAEP ciphertexts made by
// capmesh with these keys, which Node must accept) have to be made again by running the
// signVerify/encryptDecrypt inputs through a capmesh worker and appending
// {origin: 'capmesh', call: 'verify'|'decrypt', args: [...]} records; then run
// scripts/regen-web-conformance.mjs crypto for the expected outputs, and re-mark the cases
// where Node 20 departs from the spec with "exclude" (see the existing reasons).
// Usage: node scripts/make-crypto-cases.mjs OUT.json
import { writeFileSync, readFileSync } from 'node:fs';
const s = crypto.subtle;
const hex = (b) => Buffer.from(new Uint8Array(b)).toString('hex');
const H = (h) => ({ $hex: h });
const U = (t) => ({ $utf8: t });
const rnd = (n, seed) => { const b = Buffer.alloc(n); for (let i = 0; i < n; i++) b[i] = (i * 31 + seed * 7 + 3) & 255; return b.toString('hex'); };
const exp = async (k) => s.exportKey('jwk', k);
const keys = {};
for (const c of ['P-256', 'P-384']) {
  keys['ecdsa' + c] = await s.generateKey({ name: 'ECDSA', namedCurve: c }, true, ['sign', 'verify']);
  keys['ecdh' + c + 'a'] = await s.generateKey({ name: 'ECDH', namedCurve: c }, true, ['deriveBits', 'deriveKey']);
  keys['ecdh' + c + 'b'] = await s.generateKey({ name: 'ECDH', namedCurve: c }, true, ['deriveBits', 'deriveKey']);
}
keys.ed = await s.generateKey({ name: 'Ed25519' }, true, ['sign', 'verify']);
keys.xa = await s.generateKey({ name: 'X25519' }, true, ['deriveBits']);
keys.xb = await s.generateKey({ name: 'X25519' }, true, ['deriveBits']);
keys.rsa = await s.generateKey({ name: 'RSA-PSS', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' }, true, ['sign', 'verify']);
const J = {};
for (const [k, v] of Object.entries(keys)) J[k] = { pub: await exp(v.publicKey), priv: await exp(v.privateKey) };
const strip = (j) => { const o = { ...j }; delete o.key_ops; delete o.ext; delete o.alg; return o; };
const jwkKey = (j, alg, usages, extractable = true) => ({ $key: ['jwk', strip(j), alg, extractable, usages] });
const cases = [];
const add = (c) => cases.push(c);
// digest
for (const h of ['SHA-1', 'SHA-256', 'SHA-384', 'SHA-512', 'sha-256', { name: 'SHA-512' }]) for (const d of ['', 'abc', rnd(1000, 1)]) add({ call: 'digest', args: [h, H(d === 'abc' ? '616263' : d)] });
add({ call: 'digest', args: ['SHA-3', H('00')] });
add({ call: 'digest', args: [{}, H('00')] });
// HMAC
for (const h of ['SHA-1', 'SHA-256', 'SHA-384', 'SHA-512']) for (const kl of [1, 32, 64, 200]) {
  add({ call: 'sign', args: ['HMAC', { $key: ['raw', H(rnd(kl, kl)), { name: 'HMAC', hash: h }, false, ['sign']] }, H(rnd(77, 2))] });
}
add({ call: 'verify', args: ['HMAC', { $key: ['raw', H(rnd(32, 1)), { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']] }, H(rnd(32, 9)), H('00')] });
add({ call: 'importKey', args: ['raw', H(rnd(20, 3)), { name: 'HMAC', hash: 'SHA-384', length: 156 }, true, ['sign']] });
add({ call: 'importKey', args: ['raw', H(rnd(20, 3)), { name: 'HMAC', hash: 'SHA-384', length: 152 }, true, ['sign']] });
add({ call: 'importKey', args: ['raw', H(rnd(20, 3)), { name: 'HMAC', hash: 'SHA-384', length: 168 }, true, ['sign']] });
add({ call: 'exportKey', args: ['jwk', { $key: ['raw', H(rnd(20, 3)), { name: 'HMAC', hash: 'SHA-512' }, true, ['sign', 'verify']] }] });
add({ call: 'importKey', args: ['jwk', { kty: 'oct', k: 'AAECAwQ', alg: 'HS256' }, { name: 'HMAC', hash: 'SHA-256' }, true, ['sign']], export: 'raw' });
add({ call: 'importKey', args: ['jwk', { kty: 'oct', k: 'AAECAwQ', alg: 'HS384' }, { name: 'HMAC', hash: 'SHA-256' }, true, ['sign']] });
add({ call: 'importKey', args: ['raw', H(''), { name: 'HMAC', hash: 'SHA-256' }, true, ['sign']] });
add({ call: 'importKey', args: ['raw', H('00'), { name: 'HMAC' }, true, ['sign']] });
add({ call: 'importKey', args: ['raw', H('00'), { name: 'HMAC', hash: 'SHA-256' }, true, ['encrypt']] });
add({ call: 'importKey', args: ['spki', H('00'), { name: 'HMAC', hash: 'SHA-256' }, true, ['sign']] });
add({ call: 'generateKey', args: [{ name: 'HMAC', hash: 'SHA-512' }, true, ['sign']] });
add({ call: 'generateKey', args: [{ name: 'HMAC', hash: 'SHA-1', length: 128 }, false, ['verify']] });
// HKDF / PBKDF2
for (const h of ['SHA-1', 'SHA-256', 'SHA-512']) for (const bits of [0, 128, 256, 800]) {
  add({ call: 'deriveBits', args: [{ name: 'HKDF', hash: h, salt: H(rnd(16, 5)), info: H(rnd(9, 6)) }, { $key: ['raw', H(rnd(22, 7)), 'HKDF', false, ['deriveBits']] }, bits] });
}
add({ call: 'deriveBits', args: [{ name: 'HKDF', hash: 'SHA-256', salt: H(''), info: H('') }, { $key: ['raw', H(''), 'HKDF', false, ['deriveBits']] }, 256] });
add({ call: 'deriveBits', args: [{ name: 'HKDF', hash: 'SHA-256', salt: H(''), info: H('') }, { $key: ['raw', H('00'), 'HKDF', false, ['deriveBits']] }, 12] });
add({ call: 'deriveBits', args: [{ name: 'HKDF', hash: 'SHA-1', salt: H(''), info: H('') }, { $key: ['raw', H('00'), 'HKDF', false, ['deriveBits']] }, 256 * 20 * 8] });
add({ call: 'deriveBits', args: [{ name: 'HKDF', hash: 'SHA-256', info: H('') }, { $key: ['raw', H('00'), 'HKDF', false, ['deriveBits']] }, 256] });
add({ call: 'deriveKey', args: [{ name: 'HKDF', hash: 'SHA-256', salt: H(rnd(8, 1)), info: H('') }, { $key: ['raw', H(rnd(32, 8)), 'HKDF', false, ['deriveKey']] }, { name: 'AES-GCM', length: 256 }, true, ['encrypt']], export: 'raw' });
add({ call: 'deriveKey', args: [{ name: 'HKDF', hash: 'SHA-256', salt: H(rnd(8, 1)), info: H('') }, { $key: ['raw', H(rnd(32, 8)), 'HKDF', false, ['deriveKey']] }, { name: 'HMAC', hash: 'SHA-384' }, true, ['sign']], export: 'jwk' });
add({ call: 'deriveKey', args: [{ name: 'HKDF', hash: 'SHA-256', salt: H(rnd(8, 1)), info: H('') }, { $key: ['raw', H(rnd(32, 8)), 'HKDF', false, ['deriveBits']] }, { name: 'AES-GCM', length: 256 }, true, ['encrypt']] });
add({ call: 'importKey', args: ['raw', H('00'), 'HKDF', true, ['deriveBits']] });
add({ call: 'importKey', args: ['jwk', { kty: 'oct', k: 'AA' }, 'HKDF', false, ['deriveBits']] });
add({ call: 'exportKey', args: ['raw', { $key: ['raw', H('00'), 'PBKDF2', false, ['deriveBits']] }] });
for (const h of ['SHA-1', 'SHA-256', 'SHA-384']) for (const it of [1, 2, 1000]) {
  add({ call: 'deriveBits', args: [{ name: 'PBKDF2', hash: h, salt: H(rnd(12, it)), iterations: it }, { $key: ['raw', U('correct horse'), 'PBKDF2', false, ['deriveBits']] }, 384] });
}
add({ call: 'deriveBits', args: [{ name: 'PBKDF2', hash: 'SHA-256', salt: H(''), iterations: 3 }, { $key: ['raw', H(''), 'PBKDF2', false, ['deriveBits']] }, 256] });
add({ call: 'deriveBits', args: [{ name: 'PBKDF2', hash: 'SHA-256', salt: H(''), iterations: 0 }, { $key: ['raw', H('00'), 'PBKDF2', false, ['deriveBits']] }, 256] });
add({ call: 'deriveBits', args: [{ name: 'PBKDF2', hash: 'SHA-256', salt: H(''), iterations: 1 }, { $key: ['raw', H('00'), 'PBKDF2', false, ['deriveBits']] }, 100] });
add({ call: 'deriveKey', args: [{ name: 'PBKDF2', hash: 'SHA-256', salt: H(rnd(16, 4)), iterations: 10 }, { $key: ['raw', U('pw'), 'PBKDF2', false, ['deriveKey']] }, { name: 'AES-CBC', length: 128 }, true, ['decrypt']], export: 'raw' });
// AES
const aesKey = (name, n, usages = ['encrypt', 'decrypt'], seed = n) => ({ $key: ['raw', H(rnd(n, seed)), name, true, usages] });
for (const n of [16, 24, 32]) for (const len of [0, 1, 15, 16, 17, 100]) {
  add({ call: 'encrypt', args: [{ name: 'AES-CBC', iv: H(rnd(16, 3)) }, aesKey('AES-CBC', n), H(rnd(len, 4))] });
  add({ call: 'encrypt', args: [{ name: 'AES-GCM', iv: H(rnd(12, 3)) }, aesKey('AES-GCM', n), H(rnd(len, 4))] });
  add({ call: 'encrypt', args: [{ name: 'AES-CTR', counter: H(rnd(16, 3)), length: 64 }, aesKey('AES-CTR', n), H(rnd(len, 4))] });
}
for (const tagLength of [32, 64, 96, 104, 112, 120, 128]) for (const ivLen of [1, 12, 16, 60]) {
  add({ call: 'encrypt', args: [{ name: 'AES-GCM', iv: H(rnd(ivLen, 8)), tagLength, additionalData: H(rnd(20, 1)) }, aesKey('AES-GCM', 16), H(rnd(40, 4))] });
}
add({ call: 'decrypt', args: [{ name: 'AES-GCM', iv: H(rnd(12, 8)), tagLength: 64 }, aesKey('AES-GCM', 16), H(rnd(30, 4))] });
add({ call: 'decrypt', args: [{ name: 'AES-GCM', iv: H(rnd(12, 8)), tagLength: 32 }, aesKey('AES-GCM', 16), H(rnd(3, 4))] });
add({ call: 'decrypt', args: [{ name: 'AES-CBC', iv: H(rnd(16, 8)) }, aesKey('AES-CBC', 16), H(rnd(32, 4))] });
add({ call: 'decrypt', args: [{ name: 'AES-CBC', iv: H(rnd(16, 8)) }, aesKey('AES-CBC', 16), H(rnd(31, 4))] });
add({ call: 'encrypt', args: [{ name: 'AES-CBC', iv: H(rnd(8, 8)) }, aesKey('AES-CBC', 16), H('00')] });
add({ call: 'encrypt', args: [{ name: 'AES-GCM', iv: H('') }, aesKey('AES-GCM', 16), H('00')] });
add({ call: 'encrypt', args: [{ name: 'AES-GCM', iv: H(rnd(12, 1)), tagLength: 48 }, aesKey('AES-GCM', 16), H('00')] });
// CTR counter wrap: only the low `length` bits count.
for (const length of [1, 4, 8, 32, 128]) {
  add({ call: 'encrypt', args: [{ name: 'AES-CTR', counter: H('00'.repeat(15) + 'fe'), length }, aesKey('AES-CTR', 16), H(rnd(16 * Math.min(2 ** length, 5), 2))] });
  add({ call: 'encrypt', args: [{ name: 'AES-CTR', counter: H('ff'.repeat(16)), length }, aesKey('AES-CTR', 16), H(rnd(16 * Math.min(2 ** length, 3), 2))] });
}
add({ call: 'encrypt', args: [{ name: 'AES-CTR', counter: H('00'.repeat(16)), length: 1 }, aesKey('AES-CTR', 16), H(rnd(33, 2))] });
add({ call: 'encrypt', args: [{ name: 'AES-CTR', counter: H('00'.repeat(16)), length: 0 }, aesKey('AES-CTR', 16), H('00')] });
add({ call: 'encrypt', args: [{ name: 'AES-CTR', counter: H('00'.repeat(16)), length: 129 }, aesKey('AES-CTR', 16), H('00')] });
add({ call: 'encrypt', args: [{ name: 'AES-CTR', counter: H('00'.repeat(8)), length: 64 }, aesKey('AES-CTR', 16), H('00')] });
for (const name of ['AES-CBC', 'AES-GCM', 'AES-CTR', 'AES-KW']) {
  add({ call: 'exportKey', args: ['jwk', aesKey(name, 24, name === 'AES-KW' ? ['wrapKey'] : ['encrypt'])] });
  add({ call: 'generateKey', args: [{ name, length: 192 }, true, name === 'AES-KW' ? ['wrapKey', 'unwrapKey'] : ['encrypt', 'decrypt']] });
  add({ call: 'importKey', args: ['raw', H(rnd(20, 1)), name, true, name === 'AES-KW' ? ['wrapKey'] : ['encrypt']] });
  add({ call: 'importKey', args: ['raw', H(rnd(16, 1)), name, true, ['sign']] });
  add({ call: 'importKey', args: ['jwk', { kty: 'oct', k: 'AAECAwQFBgcICQoLDA0ODw', alg: 'A128' + name.slice(4) }, name, true, name === 'AES-KW' ? ['wrapKey'] : ['encrypt']], export: 'raw' });
  add({ call: 'importKey', args: ['jwk', { kty: 'oct', k: 'AAECAwQFBgcICQoLDA0ODw', alg: 'A256' + name.slice(4) }, name, true, name === 'AES-KW' ? ['wrapKey'] : ['encrypt']] });
}
add({ call: 'generateKey', args: [{ name: 'AES-GCM', length: 64 }, true, ['encrypt']] });
add({ call: 'encrypt', args: [{ name: 'AES-KW' }, aesKey('AES-KW', 16, ['wrapKey']), H(rnd(16, 1))] });
// AES-KW wrapping
for (const n of [16, 24, 32]) for (const m of [16, 24, 32]) {
  add({ call: 'wrapKey', args: ['raw', aesKey('AES-GCM', m, ['encrypt'], 9), aesKey('AES-KW', n, ['wrapKey']), 'AES-KW'] });
}
add({ call: 'unwrapKey', args: ['raw', H(rnd(24, 1)), aesKey('AES-KW', 16, ['unwrapKey']), 'AES-KW', 'AES-GCM', true, ['encrypt']] });
add({ wrapUnwrap: { format: 'jwk', key: aesKey('AES-CBC', 32, ['encrypt']), wrappingKey: aesKey('AES-GCM', 16, ['wrapKey', 'unwrapKey']), alg: { name: 'AES-GCM', iv: H(rnd(12, 1)) }, keyAlg: 'AES-CBC', usages: ['encrypt'] } });
add({ wrapUnwrap: { format: 'raw', key: aesKey('AES-CTR', 16, ['encrypt']), wrappingKey: aesKey('AES-CBC', 16, ['wrapKey', 'unwrapKey']), alg: { name: 'AES-CBC', iv: H(rnd(16, 1)) }, keyAlg: 'AES-CTR', usages: ['encrypt'] } });
add({ call: 'wrapKey', args: ['raw', { $key: ['raw', H(rnd(16, 1)), 'AES-GCM', false, ['encrypt']] }, aesKey('AES-KW', 16, ['wrapKey']), 'AES-KW'] });
add({ call: 'wrapKey', args: ['raw', aesKey('AES-GCM', 16), aesKey('AES-KW', 16, ['unwrapKey']), 'AES-KW'] });
// EC
for (const c of ['P-256', 'P-384']) {
  const hash = c === 'P-256' ? 'SHA-256' : 'SHA-384';
  const k = J['ecdsa' + c];
  const pub = jwkKey(k.pub, { name: 'ECDSA', namedCurve: c }, ['verify']);
  const priv = jwkKey(k.priv, { name: 'ECDSA', namedCurve: c }, ['sign']);
  add({ signVerify: { alg: { name: 'ECDSA', hash }, privateKey: priv, publicKey: pub, data: H(rnd(50, 1)) } });
  add({ signVerify: { alg: { name: 'ECDSA', hash: 'SHA-512' }, privateKey: priv, publicKey: pub, data: H('') } });
  const sig = await s.sign({ name: 'ECDSA', hash }, keys['ecdsa' + c].privateKey, Buffer.from(rnd(50, 1), 'hex'));
  add({ origin: 'node', call: 'verify', args: [{ name: 'ECDSA', hash }, pub, H(hex(sig)), H(rnd(50, 1))] });
  add({ call: 'verify', args: [{ name: 'ECDSA', hash }, pub, H(hex(sig)), H(rnd(50, 2))] });
  add({ call: 'verify', args: [{ name: 'ECDSA', hash }, pub, H(hex(sig).slice(2)), H(rnd(50, 1))] });
  for (const f of ['spki', 'raw', 'jwk']) add({ call: 'exportKey', args: [f, pub] });
  add({ call: 'exportKey', args: ['jwk', priv] });
  add({ call: 'exportKey', args: ['raw', priv] });
  add({ call: 'exportKey', args: ['spki', priv] });
  add({ call: 'importKey', args: ['pkcs8', H(hex(await s.exportKey('pkcs8', keys['ecdsa' + c].privateKey))), { name: 'ECDSA', namedCurve: c }, true, ['sign']], export: 'jwk' });
  add({ call: 'importKey', args: ['spki', H(hex(await s.exportKey('spki', keys['ecdsa' + c].publicKey))), { name: 'ECDSA', namedCurve: c }, true, ['verify']], export: 'raw' });
  add({ call: 'importKey', args: ['spki', H(hex(await s.exportKey('spki', keys['ecdsa' + c].publicKey))), { name: 'ECDH', namedCurve: c }, true, []] });
  add({ call: 'importKey', args: ['spki', H(hex(await s.exportKey('spki', keys['ecdsa' + c].publicKey))), { name: 'ECDSA', namedCurve: c === 'P-256' ? 'P-384' : 'P-256' }, true, ['verify']] });
  const raw = hex(await s.exportKey('raw', keys['ecdsa' + c].publicKey));
  const compressed = (parseInt(raw.slice(-2), 16) & 1 ? '03' : '02') + raw.slice(2, 2 + (raw.length - 2) / 2);
  add({ call: 'importKey', args: ['raw', H(compressed), { name: 'ECDSA', namedCurve: c }, true, ['verify']], export: 'raw' });
  add({ call: 'importKey', args: ['raw', H(raw.slice(0, -2) + '00'), { name: 'ECDSA', namedCurve: c }, true, ['verify']] });
  add({ call: 'importKey', args: ['jwk', { ...strip(k.pub), crv: 'P-521' }, { name: 'ECDSA', namedCurve: c }, true, ['verify']] });
  add({ call: 'importKey', args: ['jwk', strip(k.priv), { name: 'ECDSA', namedCurve: c }, true, ['verify']] });
  add({ call: 'importKey', args: ['jwk', strip(k.pub), { name: 'ECDSA', namedCurve: c }, true, ['sign']] });
  const a = J['ecdh' + c + 'a'], b = J['ecdh' + c + 'b'];
  const aPriv = jwkKey(a.priv, { name: 'ECDH', namedCurve: c }, ['deriveBits', 'deriveKey']);
  const bPub = jwkKey(b.pub, { name: 'ECDH', namedCurve: c }, []);
  for (const bits of [null, 128, 256, 12]) add({ call: 'deriveBits', args: [{ name: 'ECDH', public: bPub }, aPriv, bits] });
  add({ call: 'deriveBits', args: [{ name: 'ECDH', public: jwkKey(a.pub, { name: 'ECDH', namedCurve: c }, []) }, jwkKey(b.priv, { name: 'ECDH', namedCurve: c }, ['deriveBits']), null] });
  add({ call: 'deriveKey', args: [{ name: 'ECDH', public: bPub }, aPriv, { name: 'AES-KW', length: 128 }, true, ['wrapKey']], export: 'raw' });
  add({ call: 'deriveBits', args: [{ name: 'ECDH', public: pub }, aPriv, null] });
  add({ call: 'deriveBits', args: [{ name: 'ECDH', public: aPriv }, aPriv, null] });
  add({ call: 'generateKey', args: [{ name: 'ECDSA', namedCurve: c }, false, ['sign', 'verify']] });
  add({ call: 'generateKey', args: [{ name: 'ECDH', namedCurve: c }, true, ['deriveBits']] });
}
add({ call: 'deriveBits', args: [{ name: 'ECDH', public: jwkKey(J['ecdhP-384a'].pub, { name: 'ECDH', namedCurve: 'P-384' }, []) }, jwkKey(J['ecdhP-256a'].priv, { name: 'ECDH', namedCurve: 'P-256' }, ['deriveBits']), null] });
add({ call: 'generateKey', args: [{ name: 'ECDSA', namedCurve: 'P-224' }, true, ['sign']] });
add({ call: 'generateKey', args: [{ name: 'ECDH', namedCurve: 'P-256' }, true, ['sign']] });
// Ed25519 / X25519
{
  const pub = jwkKey(J.ed.pub, 'Ed25519', ['verify']);
  const priv = jwkKey(J.ed.priv, 'Ed25519', ['sign']);
  for (const d of ['', '00', rnd(300, 1)]) add({ call: 'sign', args: ['Ed25519', priv, H(d)] });
  const sig = await s.sign('Ed25519', keys.ed.privateKey, Buffer.from(rnd(40, 1), 'hex'));
  add({ call: 'verify', args: ['Ed25519', pub, H(hex(sig)), H(rnd(40, 1))] });
  add({ call: 'verify', args: ['Ed25519', pub, H(hex(sig)), H(rnd(40, 2))] });
  add({ call: 'verify', args: ['Ed25519', pub, H(hex(sig).slice(2)), H(rnd(40, 1))] });
  for (const f of ['spki', 'raw', 'jwk']) add({ call: 'exportKey', args: [f, pub] });
  for (const f of ['pkcs8', 'jwk', 'raw']) add({ call: 'exportKey', args: [f, priv] });
  add({ call: 'importKey', args: ['raw', H(rnd(32, 1).slice(2)), 'Ed25519', true, ['verify']] });
  add({ call: 'importKey', args: ['raw', H(hex(await s.exportKey('raw', keys.ed.publicKey))), 'Ed25519', true, ['sign']] });
  add({ call: 'importKey', args: ['spki', H(hex(await s.exportKey('spki', keys.xa.publicKey))), 'Ed25519', true, ['verify']] });
  add({ call: 'importKey', args: ['jwk', { ...strip(J.ed.pub), crv: 'X25519' }, 'Ed25519', true, ['verify']] });
  add({ call: 'generateKey', args: ['Ed25519', true, ['sign', 'verify']] });
  add({ call: 'generateKey', args: ['X25519', true, ['deriveKey']] });
  add({ call: 'generateKey', args: ['X25519', true, ['verify']] });
  const xa = jwkKey(J.xa.priv, 'X25519', ['deriveBits', 'deriveKey']);
  const xbPub = jwkKey(J.xb.pub, 'X25519', []);
  for (const bits of [null, 256, 128]) add({ call: 'deriveBits', args: [{ name: 'X25519', public: xbPub }, xa, bits] });
  add({ call: 'deriveBits', args: [{ name: 'X25519', public: jwkKey(J.xa.pub, 'X25519', []) }, jwkKey(J.xb.priv, 'X25519', ['deriveBits']), null] });
  add({ call: 'deriveBits', args: [{ name: 'X25519', public: { $key: ['raw', H('00'.repeat(32)), 'X25519', true, []] } }, xa, null] });
  add({ call: 'deriveBits', args: [{ name: 'X25519', public: pub }, xa, null] });
  add({ call: 'deriveKey', args: [{ name: 'X25519', public: xbPub }, xa, { name: 'HMAC', hash: 'SHA-256', length: 256 }, true, ['sign']], export: 'raw' });
  for (const f of ['spki', 'raw', 'jwk']) add({ call: 'exportKey', args: [f, xbPub] });
  for (const f of ['pkcs8', 'jwk']) add({ call: 'exportKey', args: [f, xa] });
}
// RSA
{
  const pubJ = strip(J.rsa.pub), privJ = strip(J.rsa.priv);
  const rk = (name, hash, which, usages) => jwkKey(which === 'pub' ? pubJ : privJ, { name, hash }, usages);
  for (const hash of ['SHA-1', 'SHA-256', 'SHA-512']) {
    add({ call: 'sign', args: ['RSASSA-PKCS1-v1_5', rk('RSASSA-PKCS1-v1_5', hash, 'priv', ['sign']), H(rnd(64, 1))] });
    add({ signVerify: { alg: { name: 'RSA-PSS', saltLength: 32 }, privateKey: rk('RSA-PSS', hash, 'priv', ['sign']), publicKey: rk('RSA-PSS', hash, 'pub', ['verify']), data: H(rnd(64, 1)) } });
    add({ signVerify: { alg: { name: 'RSA-PSS', saltLength: 0 }, privateKey: rk('RSA-PSS', hash, 'priv', ['sign']), publicKey: rk('RSA-PSS', hash, 'pub', ['verify']), data: H('') } });
    add({ encryptDecrypt: { alg: { name: 'RSA-OAEP', label: H(rnd(5, 1)) }, publicKey: rk('RSA-OAEP', hash, 'pub', ['encrypt']), privateKey: rk('RSA-OAEP', hash, 'priv', ['decrypt']), data: H(rnd(20, 3)) } });
    const pssKey = await s.importKey('jwk', privJ, { name: 'RSA-PSS', hash }, false, ['sign']);
    const pss = await s.sign({ name: 'RSA-PSS', saltLength: 20 }, pssKey, Buffer.from(rnd(64, 1), 'hex'));
    add({ origin: 'node', call: 'verify', args: [{ name: 'RSA-PSS', saltLength: 20 }, rk('RSA-PSS', hash, 'pub', ['verify']), H(hex(pss)), H(rnd(64, 1))] });
    add({ call: 'verify', args: [{ name: 'RSA-PSS', saltLength: 21 }, rk('RSA-PSS', hash, 'pub', ['verify']), H(hex(pss)), H(rnd(64, 1))] });
    const oaepKey = await s.importKey('jwk', pubJ, { name: 'RSA-OAEP', hash }, false, ['encrypt']);
    const ct = await s.encrypt({ name: 'RSA-OAEP' }, oaepKey, Buffer.from(rnd(30, 1), 'hex'));
    add({ origin: 'node', call: 'decrypt', args: [{ name: 'RSA-OAEP' }, rk('RSA-OAEP', hash, 'priv', ['decrypt']), H(hex(ct))] });
    add({ call: 'decrypt', args: [{ name: 'RSA-OAEP', label: H('01') }, rk('RSA-OAEP', hash, 'priv', ['decrypt']), H(hex(ct))] });
  }
  add({ call: 'encrypt', args: [{ name: 'RSA-OAEP' }, rk('RSA-OAEP', 'SHA-256', 'pub', ['encrypt']), H(rnd(200, 1))] });
  add({ call: 'signVerify', args: [] });
  for (const f of ['spki', 'jwk']) add({ call: 'exportKey', args: [f, rk('RSA-PSS', 'SHA-256', 'pub', ['verify'])] });
  for (const f of ['pkcs8', 'jwk']) add({ call: 'exportKey', args: [f, rk('RSASSA-PKCS1-v1_5', 'SHA-384', 'priv', ['sign'])] });
  add({ call: 'exportKey', args: ['jwk', rk('RSA-OAEP', 'SHA-1', 'pub', ['encrypt', 'wrapKey'])] });
  add({ call: 'exportKey', args: ['raw', rk('RSA-OAEP', 'SHA-1', 'pub', ['encrypt'])] });
  add({ call: 'importKey', args: ['spki', H(hex(await s.exportKey('spki', keys.rsa.publicKey))), { name: 'RSA-OAEP', hash: 'SHA-256' }, true, ['encrypt']], export: 'jwk' });
  add({ call: 'importKey', args: ['pkcs8', H(hex(await s.exportKey('pkcs8', keys.rsa.privateKey))), { name: 'RSA-PSS', hash: 'SHA-256' }, true, ['sign']], export: 'pkcs8' });
  add({ call: 'importKey', args: ['jwk', { ...pubJ, alg: 'RS256' }, { name: 'RSA-PSS', hash: 'SHA-256' }, true, ['verify']] });
  add({ call: 'importKey', args: ['jwk', pubJ, { name: 'RSA-OAEP', hash: 'SHA-256' }, true, ['decrypt']] });
  add({ call: 'importKey', args: ['spki', H(hex(await s.exportKey('spki', keys.ed.publicKey))), { name: 'RSA-PSS', hash: 'SHA-256' }, true, ['verify']] });
  add({ call: 'generateKey', args: [{ name: 'RSA-OAEP', modulusLength: 1024, publicExponent: H('010001'), hash: 'SHA-256' }, true, ['encrypt', 'decrypt', 'wrapKey']] });
  add({ call: 'generateKey', args: [{ name: 'RSASSA-PKCS1-v1_5', modulusLength: 1024, publicExponent: H('03'), hash: 'SHA-1' }, false, ['sign', 'verify']] });
  add({ call: 'generateKey', args: [{ name: 'RSA-PSS', modulusLength: 1024, publicExponent: H('010001') }, true, ['sign']] });
  add({ wrapUnwrap: { format: 'raw', key: aesKey('AES-GCM', 32, ['encrypt']), wrappingKey: { $key: ['jwk', privJ, { name: 'RSA-OAEP', hash: 'SHA-256' }, true, ['unwrapKey']] }, alg: 'RSA-OAEP', keyAlg: 'AES-GCM', usages: ['encrypt'] } });
}
// Generic errors
add({ call: 'importKey', args: ['pem', H('00'), 'AES-GCM', true, ['encrypt']] });
add({ call: 'importKey', args: ['raw', H(rnd(16, 1)), 'AES-GCM', true, ['fly']] });
add({ call: 'importKey', args: ['raw', H(rnd(16, 1)), 'AES-GCM', true, []] });
add({ call: 'importKey', args: ['raw', H(rnd(16, 1)), 'ROT13', true, ['encrypt']] });
add({ call: 'sign', args: ['AES-GCM', aesKey('AES-GCM', 16), H('00')] });
add({ call: 'encrypt', args: [{ name: 'AES-GCM' }, aesKey('AES-GCM', 16), H('00')] });
add({ call: 'encrypt', args: [{ name: 'AES-CBC', iv: H(rnd(16, 1)) }, aesKey('AES-GCM', 16), H('00')] });
add({ call: 'decrypt', args: [{ name: 'AES-GCM', iv: H(rnd(12, 1)) }, aesKey('AES-GCM', 16, ['encrypt']), H(rnd(32, 1))] });
add({ call: 'exportKey', args: ['raw', { $key: ['raw', H(rnd(16, 1)), 'AES-GCM', false, ['encrypt']] }] });
add({ call: 'exportKey', args: ['pkcs8', aesKey('AES-GCM', 16)] });
add({ call: 'deriveBits', args: [{ name: 'HMAC', hash: 'SHA-256' }, { $key: ['raw', H('00'), { name: 'HMAC', hash: 'SHA-256' }, true, ['sign']] }, 8] });
add({ call: 'generateKey', args: [{ name: 'HKDF' }, false, ['deriveBits']] });
const out = { area: 'crypto', cases: cases.filter((c) => c.call !== 'signVerify') };
writeFileSync(process.argv[2], '{\n  "area": "crypto",\n  "cases": [\n' + out.cases.map((c) => '    ' + JSON.stringify(c)).join(',\n') + '\n  ]\n}\n');
console.log(out.cases.length + ' cases');
