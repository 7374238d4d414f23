package dev.capmesh.runner.js;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * crypto.subtle's errors, CryptoKey bindings from config, and the attacker's side: a worker
 * holding a non-extractable key tries every way it has to read the key's bytes.
 */
class JsCryptoTest {
  static JsRuntime runtime;
  static final String SECRET = "topsecret-hmac-key-0123456789abcdef";
  static final String PKCS8_P256 = """
      -----BEGIN PRIVATE KEY-----
      MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgB9khcu0BUPI9hdov
      9h0+8MjMnRLb8CS83CcpXlDZbwWhRANCAATn08lHNdmSmsDS02akwN0CHXowlgEo
      CWvAgiMEeDcJoV7oyRD4qYZspYU41pa8aB8U0RYoB77Cv74iNEPlB3I0
      -----END PRIVATE KEY-----
      """;
  static final String SPKI_P256 = """
      -----BEGIN PUBLIC KEY-----
      MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE59PJRzXZkprA0tNmpMDdAh16MJYB
      KAlrwIIjBHg3CaFe6MkQ+KmGbKWFONaWvGgfFNEWKAe+wr++IjRD5QdyNA==
      -----END PUBLIC KEY-----
      """;

  @BeforeAll static void start() {
    runtime = JsTesting.warmRuntime();
  }

  @AfterAll static void stop() {
    runtime.close();
  }

  private static JsonNode json(JsTesting.Result r) throws Exception {
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    return new ObjectMapper().readTree(r.text());
  }

  private static EnvBinding.CryptoKey secretKey() {
    return EnvBinding.CryptoKey.of("raw", SECRET.getBytes(StandardCharsets.UTF_8),
        "{\"name\":\"HMAC\",\"hash\":\"SHA-256\"}", true, false, List.of("sign", "verify"));
  }

  /** Every encoding of the secret an attacker could print. */
  private static List<String> secretForms() {
    byte[] b = SECRET.getBytes(StandardCharsets.UTF_8);
    return List.of(SECRET, HexFormat.of().formatHex(b), Base64.getEncoder().encodeToString(b),
        Base64.getUrlEncoder().withoutPadding().encodeToString(b), Base64.getEncoder().encodeToString(b).substring(0, 20),
        "116,111,112,115,101,99,114,101,116");
  }

  @Test void everyErrorKind() throws Exception {
    var r = JsTesting.eval(runtime, """
        const s = crypto.subtle;
        const raw16 = new Uint8Array(16);
        const hmac = await s.importKey('raw', raw16, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
        const gcm = await s.importKey('raw', raw16, 'AES-GCM', true, ['encrypt', 'decrypt']);
        const kw = await s.importKey('raw', raw16, 'AES-KW', true, ['wrapKey', 'unwrapKey']);
        const ec = await s.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']);
        const ecdh = await s.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, true, ['deriveBits']);
        const rsa = await s.generateKey({ name: 'RSA-OAEP', modulusLength: 1024, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' }, true, ['encrypt', 'decrypt']);
        const hkdf = await s.importKey('raw', raw16, 'HKDF', false, ['deriveBits']);
        const pbkdf2 = await s.importKey('raw', raw16, 'PBKDF2', false, ['deriveBits']);
        const iv = new Uint8Array(12);
        const cases = {
          notSupported_unknownAlgorithm: () => s.importKey('raw', raw16, 'ROT13', true, ['encrypt']),
          notSupported_digest: () => s.digest('SHA-3', raw16),
          notSupported_curve: () => s.generateKey({ name: 'ECDSA', namedCurve: 'P-192' }, true, ['sign']),
          notSupported_hmacSpki: () => s.exportKey('spki', gcm),
          notSupported_kwEncrypt: () => s.encrypt({ name: 'AES-KW' }, kw, raw16),
          notSupported_pbkdf2Iterations: () => s.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt: raw16, iterations: 100001 }, pbkdf2, 256),
          invalidAccess_usage: () => s.sign('HMAC', gcm, raw16),
          invalidAccess_verifyUsage: () => s.verify('HMAC', hmac, raw16, raw16),
          invalidAccess_algorithmMismatch: () => s.encrypt({ name: 'AES-CBC', iv: raw16 }, gcm, raw16),
          invalidAccess_notExtractable: () => s.exportKey('raw', hmac),
          invalidAccess_wrapNotExtractable: () => s.wrapKey('raw', hmac, kw, 'AES-KW'),
          invalidAccess_spkiOfPrivate: () => s.exportKey('spki', ec.privateKey),
          invalidAccess_ecdhWithEcdsa: () => s.deriveBits({ name: 'ECDH', public: ec.publicKey }, ecdh.privateKey, 256),
          data_aesLength: () => s.importKey('raw', new Uint8Array(15), 'AES-GCM', true, ['encrypt']),
          data_jwkKty: () => s.importKey('jwk', { kty: 'RSA', k: 'AAAAAAAAAAAAAAAAAAAAAA' }, 'AES-GCM', true, ['encrypt']),
          data_jwkExt: () => s.importKey('jwk', { kty: 'oct', k: 'AAAAAAAAAAAAAAAAAAAAAA', ext: false }, 'AES-GCM', true, ['encrypt']),
          data_jwkAlg: () => s.importKey('jwk', { kty: 'oct', k: 'AAAAAAAAAAAAAAAAAAAAAA', alg: 'A256GCM' }, 'AES-GCM', true, ['encrypt']),
          data_spkiGarbage: () => s.importKey('spki', raw16, { name: 'ECDSA', namedCurve: 'P-256' }, true, ['verify']),
          data_pointOffCurve: () => s.importKey('raw', new Uint8Array(65).fill(4, 0, 1).fill(1, 1), { name: 'ECDSA', namedCurve: 'P-256' }, true, ['verify']),
          data_wrongCurve: async () => s.importKey('spki', await s.exportKey('spki', ec.publicKey), { name: 'ECDSA', namedCurve: 'P-384' }, true, ['verify']),
          data_hmacEmpty: () => s.importKey('raw', new Uint8Array(0), { name: 'HMAC', hash: 'SHA-1' }, true, ['sign']),
          data_ed25519Length: () => s.importKey('raw', new Uint8Array(31), 'Ed25519', true, ['verify']),
          operation_gcmTag: async () => { const c = new Uint8Array(await s.encrypt({ name: 'AES-GCM', iv }, gcm, raw16)); c[0] ^= 1; return s.decrypt({ name: 'AES-GCM', iv }, gcm, c); },
          operation_cbcIv: () => s.importKey('raw', raw16, 'AES-CBC', true, ['encrypt']).then((k) => s.encrypt({ name: 'AES-CBC', iv: new Uint8Array(15) }, k, raw16)),
          operation_gcmTagLength: () => s.encrypt({ name: 'AES-GCM', iv, tagLength: 100 }, gcm, raw16),
          operation_kwIntegrity: () => s.unwrapKey('raw', new Uint8Array(24), kw, 'AES-KW', 'AES-GCM', true, ['encrypt']),
          operation_oaepGarbage: () => s.decrypt({ name: 'RSA-OAEP' }, rsa.privateKey, new Uint8Array(128)),
          operation_aesLength: () => s.generateKey({ name: 'AES-CTR', length: 100 }, true, ['encrypt']),
          operation_hkdfBits: () => s.deriveBits({ name: 'HKDF', hash: 'SHA-256', salt: raw16, info: raw16 }, hkdf, 7),
          operation_hkdfNull: () => s.deriveBits({ name: 'HKDF', hash: 'SHA-256', salt: raw16, info: raw16 }, hkdf, null),
          operation_pbkdf2Zero: () => s.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt: raw16, iterations: 0 }, pbkdf2, 256),
          operation_ecdhTooLong: () => s.deriveBits({ name: 'ECDH', public: ecdh.publicKey }, ecdh.privateKey, 264),
          syntax_usage: () => s.importKey('raw', raw16, { name: 'HMAC', hash: 'SHA-256' }, true, ['encrypt']),
          syntax_empty: () => s.importKey('raw', raw16, 'AES-GCM', true, []),
          syntax_hkdfExtractable: () => s.importKey('raw', raw16, 'HKDF', true, ['deriveBits']),
          syntax_generateUsage: () => s.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['encrypt']),
          syntax_generateNoPrivateUsage: () => s.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['verify']),
          type_missingIv: () => s.encrypt({ name: 'AES-GCM' }, gcm, raw16),
          type_format: () => s.importKey('pem', raw16, 'AES-GCM', true, ['encrypt']),
          type_usage: () => s.importKey('raw', raw16, 'AES-GCM', true, ['fly']),
          type_arguments: () => s.sign('HMAC', hmac),
          type_notAKey: () => s.sign('HMAC', { type: 'secret' }, raw16),
          type_noName: () => s.digest({}, raw16),
          type_ivNotBytes: () => s.encrypt({ name: 'AES-GCM', iv: 'abc' }, gcm, raw16),
        };
        const out = {};
        for (const [name, f] of Object.entries(cases)) {
          try { await f(); out[name] = 'resolved'; }
          catch (e) { out[name] = (e instanceof DOMException ? 'DOMException:' : '') + e.name; }
        }
        return Response.json(out);
        """);
    JsonNode out = json(r);
    var names = new java.util.ArrayList<String>();
    out.fieldNames().forEachRemaining(names::add);
    assertThat(names).hasSize(44);
    for (String name : names) {
      String kind = name.substring(0, name.indexOf('_'));
      String expected = switch (kind) {
        case "notSupported" -> "DOMException:NotSupportedError";
        case "invalidAccess" -> "DOMException:InvalidAccessError";
        case "data" -> "DOMException:DataError";
        case "operation" -> "DOMException:OperationError";
        case "syntax" -> "DOMException:SyntaxError";
        default -> "TypeError";
      };
      assertThat(out.get(name).asText()).as(name).isEqualTo(expected);
    }
  }

  @Test void configBindingsInEveryFormat() throws Exception {
    JsWorker w = JsWorker.builder(runtime, "keys", WorkerCode.modules(WorkerModule.esModule("main.js", """
        export default { async fetch(req, env) {
          const s = crypto.subtle;
          const data = new TextEncoder().encode('payload');
          const out = {};
          const hex = (b) => [...new Uint8Array(b)].map((x) => x.toString(16).padStart(2, '0')).join('');
          out.hmac = [env.HMAC instanceof CryptoKey, env.HMAC.type, env.HMAC.extractable, env.HMAC.usages, env.HMAC.algorithm];
          const sig = await s.sign('HMAC', env.HMAC, data);
          out.hmacSig = hex(sig);
          try { await s.verify('HMAC', env.HMAC, sig, data); } catch (e) { out.hmacVerify = e.name; }
          try { await s.exportKey('raw', env.HMAC); } catch (e) { out.hmacExport = e.name; }
          const ecSig = await s.sign({ name: 'ECDSA', hash: 'SHA-256' }, env.EC_PRIVATE, data);
          out.ec = await s.verify({ name: 'ECDSA', hash: 'SHA-256' }, env.EC_PUBLIC, ecSig, data);
          out.ecPublicRaw = hex(await s.exportKey('raw', env.EC_PUBLIC)).slice(0, 10);
          const iv = new Uint8Array(12);
          out.gcm = new TextDecoder().decode(await s.decrypt({ name: 'AES-GCM', iv }, env.AES, await s.encrypt({ name: 'AES-GCM', iv }, env.AES, data)));
          out.aesExport = hex(await s.exportKey('raw', env.AES));
          out.jwk = [env.JWK.algorithm, env.JWK.usages, hex(await s.sign('HMAC', env.JWK, data)) === out.hmacSig];
          return Response.json(out);
        } };
        """)))
        .binding("HMAC", EnvBinding.CryptoKey.of("hex", HexFormat.of().formatHex(SECRET.getBytes(StandardCharsets.UTF_8))
            .getBytes(StandardCharsets.UTF_8), "{\"name\":\"HMAC\",\"hash\":{\"name\":\"SHA-256\"}}", true, false, List.of("sign")))
        .binding("EC_PRIVATE", EnvBinding.CryptoKey.of("pkcs8", PKCS8_P256.getBytes(StandardCharsets.UTF_8),
            "{\"name\":\"ECDSA\",\"namedCurve\":\"P-256\"}", true, false, List.of("sign")))
        .binding("EC_PUBLIC", EnvBinding.CryptoKey.of("spki", SPKI_P256.getBytes(StandardCharsets.UTF_8),
            "{\"name\":\"ECDSA\",\"namedCurve\":\"P-256\"}", true, true, List.of("verify")))
        .binding("AES", EnvBinding.CryptoKey.of("base64", "AAECAwQFBgcICQoLDA0ODw==".getBytes(StandardCharsets.UTF_8),
            "AES-GCM", false, true, List.of("encrypt", "decrypt")))
        .binding("JWK", EnvBinding.CryptoKey.of("jwk", ("{\"kty\":\"oct\",\"k\":\""
            + Base64.getUrlEncoder().withoutPadding().encodeToString(SECRET.getBytes(StandardCharsets.UTF_8)) + "\"}")
            .getBytes(StandardCharsets.UTF_8), "{\"name\":\"HMAC\",\"hash\":\"SHA-256\"}", true, false, List.of("sign")))
        .build();
    try {
      JsonNode out = json(JsTesting.get(w, "http://keys.test/"));
      assertThat(out.get("hmac").toString())
          .isEqualTo("[true,\"secret\",false,[\"sign\"],{\"name\":\"HMAC\",\"hash\":{\"name\":\"SHA-256\"},\"length\":280}]");
      // HMAC-SHA256(SECRET, "payload"), as computed by the JDK directly.
      var mac = javax.crypto.Mac.getInstance("HmacSHA256");
      mac.init(new javax.crypto.spec.SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      assertThat(out.get("hmacSig").asText())
          .isEqualTo(HexFormat.of().formatHex(mac.doFinal("payload".getBytes(StandardCharsets.UTF_8))));
      assertThat(out.get("hmacVerify").asText()).isEqualTo("InvalidAccessError");
      assertThat(out.get("hmacExport").asText()).isEqualTo("InvalidAccessError");
      assertThat(out.get("ec").asBoolean()).isTrue();
      assertThat(out.get("ecPublicRaw").asText()).isEqualTo("04e7d3c947");
      assertThat(out.get("gcm").asText()).isEqualTo("payload");
      assertThat(out.get("aesExport").asText()).isEqualTo("000102030405060708090a0b0c0d0e0f");
      assertThat(out.get("jwk").toString()).endsWith("[\"sign\"],true]");
    } finally {
      w.close();
    }
  }

  @Test void checkNamesWhatIsWrongWithoutTheKey() {
    byte[] hexKey = "00ff".getBytes(StandardCharsets.UTF_8);
    assertThat(EnvBinding.CryptoKey.check("hex", hexKey, "HMAC", false, false, List.of("sign")))
        .contains("hash").contains("missing");
    assertThat(EnvBinding.CryptoKey.check("hex", hexKey, "{\"name\":\"HMAC\",\"hash\":\"SHA-256\"}", true, false,
        List.of("sign", "encrypt"))).contains("HMAC").contains("\"encrypt\"");
    assertThat(EnvBinding.CryptoKey.check("base64", "AAAA".getBytes(StandardCharsets.UTF_8), "AES-GCM", false, false,
        List.of("sign"))).contains("AES-GCM").contains("\"sign\"");
    assertThat(EnvBinding.CryptoKey.check("base64", "AAAA".getBytes(StandardCharsets.UTF_8), "AES-GCM", false, false,
        List.of("encrypt"))).contains("16, 24 or 32 bytes");
    assertThat(EnvBinding.CryptoKey.check("hex", "0g".getBytes(StandardCharsets.UTF_8), "AES-GCM", false, false,
        List.of("encrypt"))).contains("not a hex digit");
    assertThat(EnvBinding.CryptoKey.check("pkcs8", "x".getBytes(StandardCharsets.UTF_8),
        "{\"name\":\"ECDH\",\"namedCurve\":\"P-256\"}", true, false, List.of("deriveBits", "sign")))
        .contains("\"sign\"");
    assertThat(EnvBinding.CryptoKey.check("pkcs8", PKCS8_P256.getBytes(StandardCharsets.UTF_8),
        "{\"name\":\"ECDSA\",\"namedCurve\":\"P-384\"}", true, false, List.of("sign"))).contains("P-256").contains("P-384");
    assertThat(EnvBinding.CryptoKey.check("spki", PKCS8_P256.getBytes(StandardCharsets.UTF_8),
        "{\"name\":\"ECDSA\",\"namedCurve\":\"P-256\"}", true, false, List.of("verify"))).contains("PUBLIC KEY");
    assertThat(EnvBinding.CryptoKey.check("raw", new byte[16], "Rot13", false, false, List.of("encrypt")))
        .contains("Rot13");
    assertThat(EnvBinding.CryptoKey.check("der", new byte[16], "AES-GCM", false, false, List.of("encrypt")))
        .contains("\"der\"");
    assertThat(EnvBinding.CryptoKey.check("raw", new byte[16], "{\"name\":", true, false, List.of("encrypt")))
        .contains("not valid JSON");
    assertThat(EnvBinding.CryptoKey.check("raw", new byte[16], "AES-GCM", false, false, List.of())).contains("empty");
    assertThat(EnvBinding.CryptoKey.check("raw", new byte[16], "AES-GCM", false, false, List.of("encrypt"))).isNull();
    // A malformed JWK holding the secret: the message says where, never what.
    String badJwk = "{\"kty\":\"oct\",\"k\":\"" + SECRET + "\" trailing";
    String message = EnvBinding.CryptoKey.check("jwk", badJwk.getBytes(StandardCharsets.UTF_8), "AES-GCM", false,
        false, List.of("encrypt"));
    assertThat(message).contains("not valid JSON");
    secretForms().forEach(f -> assertThat(message).doesNotContain(f));
    assertThatThrownBy(() -> EnvBinding.CryptoKey.of("hex", "abc".getBytes(StandardCharsets.UTF_8), "HMAC", false,
        false, List.of("sign"))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("odd number");
    assertThat(secretKey().toString()).doesNotContain(SECRET).contains("HMAC");
  }

  @Test void aNonExtractableKeyCannotBeRead() throws Exception {
    var appender = new ListAppender<ILoggingEvent>();
    appender.start();
    Logger console = (Logger) LoggerFactory.getLogger(HostHooks.CONSOLE_LOGGER);
    console.setLevel(ch.qos.logback.classic.Level.DEBUG);
    console.addAppender(appender);
    JsWorker thief = JsWorker.builder(runtime, "thief", WorkerCode.modules(WorkerModule.esModule("main.js", """
        import { WorkerEntrypoint } from 'cloudflare:workers';
        export class Thief extends WorkerEntrypoint {
          async take(k) {
            const seen = { type: typeof k, keys: Reflect.ownKeys(Object(k)).map(String), isKey: k instanceof CryptoKey };
            try { seen.exported = new Uint8Array(await crypto.subtle.exportKey('raw', k)).join(','); } catch (e) { seen.exportError = e.name; }
            return seen;
          }
        }
        export default { fetch() { return new Response('thief'); } };
        """))).build();
    JsWorker w = JsWorker.builder(runtime, "victim", WorkerCode.modules(WorkerModule.esModule("main.js", """
        export default { async fetch(req, env) {
          const s = crypto.subtle;
          const k = env.KEY;
          const out = { attempts: [] };
          const note = (what, v) => out.attempts.push(what + ': ' + (typeof v === 'string' ? v : JSON.stringify(v)));
          const tryIt = async (what, f) => { try { note(what, await f()); } catch (e) { note(what, 'threw ' + e.name + ' ' + e.message); } };
          // Own properties, symbols, descriptors, enumeration.
          note('names', Object.getOwnPropertyNames(k));
          note('ownKeys', Reflect.ownKeys(k).map(String));
          note('descriptors', Object.keys(Object.getOwnPropertyDescriptors(k)));
          const forIn = []; for (const x in k) forIn.push(x); note('forIn', forIn);
          // Every getter and method along the prototype chain, called on the key.
          for (let p = Object.getPrototypeOf(k); p; p = Object.getPrototypeOf(p)) {
            for (const key of Reflect.ownKeys(p)) {
              const d = Object.getOwnPropertyDescriptor(p, key);
              await tryIt('proto ' + String(key), () => d.get ? d.get.call(k) : typeof d.value === 'function' && d.value.length === 0 ? d.value.call(k) : typeof d.value);
            }
          }
          await tryIt('json', () => JSON.stringify(k));
          await tryIt('string', () => String(k) + `${Object.prototype.toString.call(k)}`);
          await tryIt('entries', () => Object.entries(k));
          console.log(k); console.log('%o %O %j', k, k, k); console.error({ wrapped: k });
          // Clones: structuredClone gives another handle to the same non-extractable key.
          await tryIt('clone', async () => { const c = structuredClone(k); return [c.extractable, Reflect.ownKeys(c).length, await s.exportKey('raw', c)]; });
          await tryIt('cloneInObject', async () => { const c = structuredClone({ k }); return s.exportKey('jwk', c.k); });
          // Export and wrap in every format, with an extractable wrapping key.
          for (const f of ['raw', 'jwk', 'pkcs8', 'spki']) await tryIt('export ' + f, () => s.exportKey(f, k));
          const wrapper = await s.generateKey({ name: 'AES-KW', length: 256 }, true, ['wrapKey', 'unwrapKey']);
          const gcm = await s.generateKey({ name: 'AES-GCM', length: 256 }, true, ['wrapKey', 'encrypt']);
          await tryIt('wrap kw raw', () => s.wrapKey('raw', k, wrapper, 'AES-KW'));
          await tryIt('wrap gcm jwk', () => s.wrapKey('jwk', k, gcm, { name: 'AES-GCM', iv: new Uint8Array(12) }));
          // Mutating what the key reports changes nothing the host believes.
          const encryptOnly = await s.generateKey({ name: 'AES-GCM', length: 128 }, false, ['encrypt']);
          encryptOnly.usages.push('decrypt');
          await tryIt('usages mutated', () => s.decrypt({ name: 'AES-GCM', iv: new Uint8Array(12) }, encryptOnly, new Uint8Array(16)));
          k.algorithm.name = 'HKDF';
          await tryIt('alg mutated', () => s.deriveBits({ name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(), info: new Uint8Array() }, k, 256));
          // Forgeries and lookalikes.
          await tryIt('construct', () => new CryptoKey());
          await tryIt('fake', () => s.exportKey('raw', Object.create(CryptoKey.prototype)));
          await tryIt('proxy', () => s.exportKey('raw', new Proxy(k, {})));
          await tryIt('extractable', () => { Object.defineProperty(k, 'extractable', { value: true }); return s.exportKey('raw', k); });
          // Errors from every operation, with the key in wrong places.
          await tryIt('sign bad alg', () => s.sign({ name: 'HMAC', hash: k }, k, k));
          await tryIt('import from key', () => s.importKey('raw', k, 'AES-GCM', true, ['encrypt']));
          await tryIt('encrypt', () => s.encrypt({ name: 'AES-GCM', iv: new Uint8Array(12) }, k, new Uint8Array(1)));
          await tryIt('derive', () => s.deriveKey({ name: 'ECDH', public: k }, k, 'AES-GCM', true, ['encrypt']));
          // Over a service binding: RPC refuses to send it; a plain-object disguise arrives empty.
          await tryIt('rpc', () => env.THIEF.take(k));
          await tryIt('rpc nested', () => env.THIEF.take({ k }));
          const disguised = structuredClone(k); Object.setPrototypeOf(disguised, Object.prototype);
          await tryIt('rpc disguised', () => env.THIEF.take(disguised));
          await tryIt('fetch body', async () => (await env.THIEF_HTTP.fetch('http://thief/', { method: 'POST', body: k })).status);
          // What it may do: use it.
          await tryIt('sign works', async () => (await s.sign('HMAC', k, new Uint8Array(1))).byteLength);
          return Response.json(out);
        } };
        """)))
        .binding("KEY", secretKey())
        .binding("THIEF", new EnvBinding.Service(thief, "Thief", null))
        .binding("THIEF_HTTP", EnvBinding.Service.of(thief))
        .build();
    try {
      var r = JsTesting.get(w, "http://victim.test/");
      String text = r.text();
      JsonNode out = json(r);
      List<String> logs = appender.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
      for (String form : secretForms()) {
        assertThat(text).as("response").doesNotContain(form);
        assertThat(logs).as("console").noneMatch(l -> l.contains(form));
      }
      var attempts = new java.util.ArrayList<String>();
      out.get("attempts").forEach(a -> attempts.add(a.asText()));
      assertThat(attempts).contains("names: []", "ownKeys: []", "descriptors: []", "forIn: []", "json: {}",
          "entries: []", "sign works: 32");
      assertThat(attempts).filteredOn(a -> a.startsWith("clone")).hasSize(2)
          .allMatch(a -> a.contains("threw InvalidAccessError"));
      assertThat(attempts).filteredOn(a -> a.startsWith("export ") || a.startsWith("wrap ")).hasSize(6)
          .allMatch(a -> a.contains("threw "));
      assertThat(attempts).filteredOn(a -> a.startsWith("export raw") || a.startsWith("export jwk") || a.startsWith("wrap "))
          .allMatch(a -> a.contains("InvalidAccessError"));
      assertThat(attempts).anyMatch(a -> a.startsWith("usages mutated: threw InvalidAccessError"))
          .anyMatch(a -> a.startsWith("alg mutated: threw InvalidAccessError"))
          .anyMatch(a -> a.startsWith("construct: threw TypeError"))
          .anyMatch(a -> a.startsWith("fake: threw TypeError"))
          .anyMatch(a -> a.startsWith("proxy: threw TypeError"))
          .anyMatch(a -> a.startsWith("extractable: threw InvalidAccessError"))
          .anyMatch(a -> a.startsWith("rpc: threw DataCloneError"))
          .anyMatch(a -> a.startsWith("rpc nested: threw DataCloneError"))
          .anyMatch(a -> a.startsWith("rpc disguised: threw DataCloneError"));
      assertThat(attempts).filteredOn(a -> a.startsWith("proto ")).isNotEmpty()
          .noneMatch(a -> a.contains("\"k\"") || a.contains("handle"));
      assertThat(logs).anyMatch(l -> l.contains("CryptoKey { type: 'secret', extractable: false, algorithm: "
          + "{\"name\":\"HMAC\",\"hash\":{\"name\":\"SHA-256\"},\"length\":280}, usages: [\"sign\",\"verify\"] }"));
    } finally {
      console.detachAppender(appender);
      console.setLevel(null);
      w.close();
      thief.close();
    }
  }
}
