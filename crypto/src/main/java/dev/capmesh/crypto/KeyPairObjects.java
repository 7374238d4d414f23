package dev.capmesh.crypto;

import static java.util.Objects.requireNonNull;

/** The result of generating an asymmetric key: a public and a private {@link CryptoKeyObject}. */
public record KeyPairObjects(CryptoKeyObject publicKey, CryptoKeyObject privateKey) {
  /** Both keys are required. */
  public KeyPairObjects {
    requireNonNull(publicKey, "publicKey");
    requireNonNull(privateKey, "privateKey");
  }
}
