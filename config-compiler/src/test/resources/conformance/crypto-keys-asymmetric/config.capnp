# Asymmetric keys: PKCS#8, SPKI and JWK.
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [ (name = "verifier", worker = .verifier) ],
);

const verifier :Workerd.Worker = (
  modules = [ (name = "v.js", esModule = "export default { fetch() { return new Response('v'); } };") ],
  compatibilityDate = "2024-01-01",
  bindings = [
    (name = "edPrivate", cryptoKey = (
      pkcs8 = embed "ed25519.pkcs8.pem",
      algorithm = (name = "Ed25519"),
      usages = [sign])),
    (name = "edPublic", cryptoKey = (
      spki = embed "ed25519.spki.pem",
      algorithm = (name = "Ed25519"),
      extractable = true,
      usages = [verify])),
    (name = "ecdsaJwk", cryptoKey = (
      jwk = "{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU\",\"y\":\"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0\"}",
      algorithm = (json = "{\"name\":\"ECDSA\",\"namedCurve\":\"P-256\"}"),
      usages = [verify])),
    (name = "rsaOaep", cryptoKey = (
      spki = "-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA\n-----END PUBLIC KEY-----\n",
      algorithm = (json = "{\"name\":\"RSA-OAEP\",\"hash\":\"SHA-256\"}"),
      usages = [encrypt, wrapKey])),
    (name = "ecdh", cryptoKey = (
      pkcs8 = "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg\n-----END PRIVATE KEY-----\n",
      algorithm = (json = "{\"name\":\"ECDH\",\"namedCurve\":\"P-384\"}"),
      usages = [deriveKey, deriveBits])),
  ],
);
