# Symmetric keys in raw, hex and base64 form.
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [ (name = "signer", worker = .signer) ],
);

const signer :Workerd.Worker = (
  modules = [ (name = "s.js", esModule = "export default { fetch() { return new Response('s'); } };") ],
  compatibilityDate = "2024-01-01",
  bindings = [
    (name = "hmacRaw", cryptoKey = (
      raw = 0x"00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f",
      algorithm = (json = "{\"name\":\"HMAC\",\"hash\":\"SHA-256\"}"),
      usages = [sign, verify])),
    (name = "aesHex", cryptoKey = (
      hex = "000102030405060708090a0b0c0d0e0f",
      algorithm = (name = "AES-GCM"),
      extractable = true,
      usages = [encrypt, decrypt])),
    (name = "aesKw", cryptoKey = (
      base64 = "AAECAwQFBgcICQoLDA0ODw==",
      algorithm = (name = "AES-KW"),
      extractable = false,
      usages = [wrapKey, unwrapKey])),
    (name = "hkdf", cryptoKey = (
      raw = "some secret input keying material",
      algorithm = (name = "HKDF"),
      usages = [deriveKey, deriveBits])),
    (name = "pbkdf2", cryptoKey = (
      base64 = "cGFzc3dvcmQ=",
      algorithm = (name = "PBKDF2"),
      usages = [deriveBits])),
  ],
);
