package dev.capmesh.crypto;

import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.SignatureException;

/**
 * Signing and verifying with a JCA {@link Signature} the way WebCrypto wants it: a signature
 * that does not verify (or is malformed) is {@code false}, not an error; any other failure is an
 * OperationError naming the algorithm and nothing of the key. Stateless.
 */
final class Signatures {
  private Signatures() {}

  /** Makes the JCA signature object; may set parameters on it. */
  @FunctionalInterface
  interface Factory {
    Signature create() throws GeneralSecurityException;
  }

  /** The JCA algorithm {@code jcaName}, without parameters. */
  static Factory named(String jcaName) {
    return () -> Signature.getInstance(jcaName);
  }

  static byte[] sign(Factory factory, PrivateKey key, byte[] data, String what) {
    try {
      Signature s = factory.create();
      s.initSign(key);
      s.update(data);
      return s.sign();
    } catch (GeneralSecurityException e) {
      throw CryptoError.operation(what + " signing failed: " + e.getClass().getSimpleName());
    }
  }

  static boolean verify(Factory factory, PublicKey key, byte[] signature, byte[] data, String what) {
    try {
      Signature s = factory.create();
      s.initVerify(key);
      s.update(data);
      return s.verify(signature);
    } catch (SignatureException e) {
      return false;
    } catch (GeneralSecurityException e) {
      throw CryptoError.operation(what + " verification failed: " + e.getClass().getSimpleName());
    }
  }
}
