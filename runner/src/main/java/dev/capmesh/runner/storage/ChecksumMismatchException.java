package dev.capmesh.runner.storage;

/**
 * A put's received bytes do not have a checksum the writer gave ({@link ObjectWrite#expectedChecksums()}).
 * Nothing was stored.
 */
public final class ChecksumMismatchException extends ObjectStoreException {
  private static final long serialVersionUID = 1L;

  /**
   * @param algorithm md5, sha1, sha256, sha384 or sha512
   * @param expected the hex digest the writer gave
   * @param actual the hex digest of the bytes received (null if the backend does not say)
   */
  public ChecksumMismatchException(String algorithm, String expected, @org.jspecify.annotations.Nullable String actual) {
    super("the " + algorithm + " checksum of the received bytes" + (actual == null ? "" : " (" + actual + ")")
        + " does not match the expected " + expected + "; nothing was stored");
  }
}
