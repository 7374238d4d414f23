package dev.capmesh.runner.js;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * crypto.subtle against published test vectors: RFC 4231 (HMAC), RFC 8032 (Ed25519), RFC 7748
 * (X25519), RFC 5869 (HKDF), RFC 6070 and RFC 7914 (PBKDF2), the GCM specification's test cases
 * (McGrew and Viega, as in NIST's validation suite) and RFC 3394 (AES-KW). The expected values
 * are the documents' own, written here; the worker computes each and both directions (sign and
 * verify, wrap and unwrap, encrypt and decrypt) are checked.
 */
class JsCryptoVectorsTest {
  static JsRuntime runtime;

  @BeforeAll static void start() {
    runtime = JsTesting.warmRuntime();
  }

  @AfterAll static void stop() {
    runtime.close();
  }

  private static final String HELPERS = """
      const s = crypto.subtle;
      const hex = (b) => [...new Uint8Array(b)].map((x) => x.toString(16).padStart(2, '0')).join('');
      const unhex = (h) => new Uint8Array(h.match(/../g) || []).map((_, i) => parseInt(h.substr(i * 2, 2), 16));
      const utf8 = (t) => new TextEncoder().encode(t);
      const out = {};
      """;

  /** Runs {@code body} (which fills {@code out}) and returns the JSON answer as a map of strings. */
  private static Map<String, String> run(String body) throws Exception {
    var r = JsTesting.eval(runtime, HELPERS + body + "\nreturn Response.json(out);");
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    var m = new LinkedHashMap<String, String>();
    var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.text());
    json.fields().forEachRemaining(e -> m.put(e.getKey(), e.getValue().isTextual() ? e.getValue().asText() : e.getValue().toString()));
    return m;
  }

  @Test void hmacRfc4231() throws Exception {
    var out = run("""
        async function mac(keyHex, data, hash) {
          const k = await s.importKey('raw', unhex(keyHex), { name: 'HMAC', hash }, false, ['sign', 'verify']);
          const sig = await s.sign('HMAC', k, data);
          const ok = await s.verify('HMAC', k, sig, data);
          const bad = await s.verify('HMAC', k, sig, utf8('other'));
          return hex(sig) + (ok && !bad ? '' : ' (verify broken)');
        }
        const k1 = '0b'.repeat(20);
        out.c1_256 = await mac(k1, utf8('Hi There'), 'SHA-256');
        out.c1_384 = await mac(k1, utf8('Hi There'), 'SHA-384');
        out.c1_512 = await mac(k1, utf8('Hi There'), 'SHA-512');
        out.c2_256 = await mac(hex(utf8('Jefe')), utf8('what do ya want for nothing?'), 'SHA-256');
        // Test case 6: a key longer than the block size.
        out.c6_256 = await mac('aa'.repeat(131), utf8('Test Using Larger Than Block-Size Key - Hash Key First'), 'SHA-256');
        """);
    assertThat(out).containsEntry("c1_256", "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7")
        .containsEntry("c1_384", "afd03944d84895626b0825f4ab46907f15f9dadbe4101ec682aa034c7cebc59cfaea9ea9076ede7f4af152e8b2fa9cb6")
        .containsEntry("c1_512", "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cdedaa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854")
        .containsEntry("c2_256", "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
        .containsEntry("c6_256", "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
  }

  /**
   * The data of sign, verify and digest may be any BufferSource: a whole buffer, a view at an
   * offset, another element type, a DataView or nothing; each is signed as its own bytes, and
   * changing the bytes once the call has returned changes nothing (RFC 4231 case 2 hidden inside
   * a larger buffer).
   */
  @Test void hmacDataViewsAndLaterWrites() throws Exception {
    var out = run("""
        const k = await s.importKey('raw', utf8('Jefe'), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
        const msg = utf8('what do ya want for nothing?');
        const big = new Uint8Array(msg.length + 11);
        big.set(msg, 5);
        const views = {
          whole: msg, buffer: msg.buffer.slice(0), sub: big.subarray(5, 5 + msg.length),
          dataView: new DataView(big.buffer, 5, msg.length), int16: new Int16Array(big.buffer.slice(5, 5 + msg.length)),
        };
        for (const [name, v] of Object.entries(views)) {
          const sig = await s.sign({ name: 'HMAC' }, k, v);
          out[name] = hex(sig) + ((await s.verify('HMAC', k, new Uint8Array(sig), v)) ? '' : ' (verify broken)');
        }
        const pending = s.sign('HMAC', k, msg);
        const pendingDigest = s.digest('SHA-256', big.subarray(5, 5 + msg.length));
        msg.fill(0); big.fill(0);
        out.later = hex(await pending);
        out.laterDigest = hex(await pendingDigest);
        out.empty = hex(await s.sign('HMAC', k, new Uint8Array(0))) === hex(await s.sign('HMAC', k, big.subarray(3, 3)));
        """);
    String want = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843";
    assertThat(out).containsEntry("whole", want).containsEntry("buffer", want).containsEntry("sub", want)
        .containsEntry("dataView", want).containsEntry("int16", want).containsEntry("later", want)
        .containsEntry("laterDigest", "b381e7fec653fc3ab9b178272366b8ac87fed8d31cb25ed1d0e1f3318644c89c")
        .containsEntry("empty", "true");
  }

  @Test void ed25519Rfc8032() throws Exception {
    var out = run("""
        async function ed(seed, pub, msg) {
          const sk = await s.importKey('jwk', { kty: 'OKP', crv: 'Ed25519', d: b64u(seed), x: b64u(pub) }, 'Ed25519', true, ['sign']);
          const pk = await s.importKey('raw', unhex(pub), 'Ed25519', true, ['verify']);
          const sig = await s.sign('Ed25519', sk, unhex(msg));
          const ok = await s.verify('Ed25519', pk, sig, unhex(msg));
          const pkcs8 = await s.importKey('pkcs8', await s.exportKey('pkcs8', sk), 'Ed25519', true, ['sign']);
          const again = hex(await s.sign('Ed25519', pkcs8, unhex(msg)));
          const derived = (await s.exportKey('jwk', pkcs8)).x === b64u(pub);
          return hex(sig) + (ok && again === hex(sig) && derived ? '' : ' (verify, pkcs8 or public derivation broken)');
        }
        function b64u(h) { return btoa(String.fromCharCode(...unhex(h))).replace(/\\+/g, '-').replace(/\\//g, '_').replace(/=+$/, ''); }
        out.t1 = await ed('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60',
          'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a', '');
        out.t2 = await ed('4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb',
          '3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c', '72');
        """);
    assertThat(out).containsEntry("t1", "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
            + "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b")
        .containsEntry("t2", "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da"
            + "085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00");
  }

  @Test void x25519Rfc7748() throws Exception {
    var out = run("""
        const pre = '302e020100300506032b656e04220420';
        const alice = await s.importKey('pkcs8', unhex(pre + '77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a'), 'X25519', true, ['deriveBits']);
        const bob = await s.importKey('pkcs8', unhex(pre + '5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb'), 'X25519', false, ['deriveBits']);
        const alicePub = await s.importKey('raw', unhex('8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a'), 'X25519', true, []);
        const bobPub = await s.importKey('raw', unhex('de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f'), 'X25519', true, []);
        out.ab = hex(await s.deriveBits({ name: 'X25519', public: bobPub }, alice, 256));
        out.ba = hex(await s.deriveBits({ name: 'X25519', public: alicePub }, bob, 256));
        out.alicePublic = (await s.exportKey('jwk', alice)).x;
        """);
    String shared = "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742";
    assertThat(out).containsEntry("ab", shared).containsEntry("ba", shared)
        // the public key derived from Alice's private key, base64url of 8520f009...4e6a
        .containsEntry("alicePublic", "hSDwCYkwp1R0i33ctD73Wg2_Og0mOBr066SpjqqbTmo");
  }

  @Test void hkdfRfc5869() throws Exception {
    var out = run("""
        async function hkdf(ikm, salt, info, bits, hash = 'SHA-256') {
          const k = await s.importKey('raw', unhex(ikm), 'HKDF', false, ['deriveBits']);
          return hex(await s.deriveBits({ name: 'HKDF', hash, salt: unhex(salt), info: unhex(info) }, k, bits));
        }
        out.t1 = await hkdf('0b'.repeat(22), '000102030405060708090a0b0c', 'f0f1f2f3f4f5f6f7f8f9', 42 * 8);
        out.t3 = await hkdf('0b'.repeat(22), '', '', 42 * 8);
        out.t4 = await hkdf('0b'.repeat(11), '000102030405060708090a0b0c', 'f0f1f2f3f4f5f6f7f8f9', 42 * 8, 'SHA-1');
        """);
    assertThat(out)
        .containsEntry("t1", "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865")
        .containsEntry("t3", "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8")
        .containsEntry("t4", "085a01ea1b10f36933068b56efa5ad81a4f14b822f5b091568a9cdd4f155fda2c22e422478d305f3f896");
  }

  @Test void pbkdf2Rfc6070AndRfc7914() throws Exception {
    var out = run("""
        async function pbkdf2(password, salt, iterations, bits, hash) {
          const k = await s.importKey('raw', utf8(password), 'PBKDF2', false, ['deriveBits']);
          return hex(await s.deriveBits({ name: 'PBKDF2', hash, salt: utf8(salt), iterations }, k, bits));
        }
        out.sha1_1 = await pbkdf2('password', 'salt', 1, 160, 'SHA-1');
        out.sha1_2 = await pbkdf2('password', 'salt', 2, 160, 'SHA-1');
        out.sha1_4096 = await pbkdf2('password', 'salt', 4096, 160, 'SHA-1');
        out.sha1_long = await pbkdf2('passwordPASSWORDpassword', 'saltSALTsaltSALTsaltSALTsaltSALTsalt', 4096, 200, 'SHA-1');
        out.sha256_1 = await pbkdf2('passwd', 'salt', 1, 512, 'SHA-256');
        """);
    assertThat(out).containsEntry("sha1_1", "0c60c80f961f0e71f3a9b524af6012062fe037a6")
        .containsEntry("sha1_2", "ea6c014dc72d6f8ccd1ed92ace1d41f0d8de8957")
        .containsEntry("sha1_4096", "4b007901b765489abead49d926f721d065a429c1")
        .containsEntry("sha1_long", "3d2eec4fe41c849b80c8d83662c0e44a8b291a964cf2f07038")
        .containsEntry("sha256_1", "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc"
            + "49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783");
  }

  @Test void aesGcmSpecTestCases() throws Exception {
    var out = run("""
        async function gcm(key, iv, plain, aad) {
          const k = await s.importKey('raw', unhex(key), 'AES-GCM', false, ['encrypt', 'decrypt']);
          const alg = { name: 'AES-GCM', iv: unhex(iv) };
          if (aad) alg.additionalData = unhex(aad);
          const ct = await s.encrypt(alg, k, unhex(plain));
          const back = hex(await s.decrypt(alg, k, ct));
          return hex(ct) + (back === plain ? '' : ' (decrypt broken)');
        }
        out.tc2 = await gcm('00'.repeat(16), '00'.repeat(12), '00'.repeat(16));
        out.tc4 = await gcm('feffe9928665731c6d6a8f9467308308', 'cafebabefacedbaddecaf888',
          'd9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39',
          'feedfacedeadbeeffeedfacedeadbeefabaddad2');
        out.tc5 = await gcm('feffe9928665731c6d6a8f9467308308', 'cafebabefacedbad',
          'd9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39',
          'feedfacedeadbeeffeedfacedeadbeefabaddad2');
        """);
    assertThat(out).containsEntry("tc2", "0388dace60b6a392f328c2b971b2fe78" + "ab6e47d42cec13bdf53a67b21257bddf")
        .containsEntry("tc4", "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091"
            + "5bc94fbc3221a5db94fae95ae7121a47")
        .containsEntry("tc5", "61353b4c2806934a777ff51fa22a4755699b2a714fcdc6f83766e5f97b6c742373806900e49f24b22b097544d4896b424989b5e1ebac0f07c23f4598"
            + "3612d2e79e3b0785561be14aaca2fccb");
  }

  @Test void aesKwRfc3394() throws Exception {
    var out = run("""
        async function kw(kek, key) {
          const wrapping = await s.importKey('raw', unhex(kek), 'AES-KW', false, ['wrapKey', 'unwrapKey']);
          const k = await s.importKey('raw', unhex(key), 'AES-CBC', true, ['encrypt']);
          const wrapped = await s.wrapKey('raw', k, wrapping, 'AES-KW');
          const back = await s.unwrapKey('raw', wrapped, wrapping, 'AES-KW', 'AES-CBC', true, ['encrypt']);
          return hex(wrapped) + (hex(await s.exportKey('raw', back)) === key ? '' : ' (unwrap broken)');
        }
        out.s41 = await kw('000102030405060708090a0b0c0d0e0f', '00112233445566778899aabbccddeeff');
        out.s43 = await kw('000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f', '00112233445566778899aabbccddeeff');
        out.s46 = await kw('000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f',
          '00112233445566778899aabbccddeeff000102030405060708090a0b0c0d0e0f');
        """);
    assertThat(out).containsEntry("s41", "1fa68b0a8112b447aef34bd8fb5a7b829d3e862371d2cfe5")
        .containsEntry("s43", "64e8c3f9ce0f5ba263e9777905818a2a93c8191e7d6e8ae7")
        .containsEntry("s46", "28c9f404c4b810f4cbccb35cfb87f8263f5786e2d80ed326cbc7f0e71a99f43bfb988b9b7a02dd21");
  }
}
