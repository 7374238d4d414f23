package dev.capmesh.runner.storage;

import java.util.Map;

/**
 * What a put stores besides the bytes, and what it must verify.
 *
 * @param httpMetadata HTTP headers to store, by R2 field name (see {@link ObjectInfo})
 * @param customMetadata the worker's own metadata
 * @param expectedChecksums hex digests the received bytes must have, by algorithm (md5, sha1,
 *     sha256, sha384, sha512); a mismatch fails the put and stores nothing
 */
public record ObjectWrite(
    Map<String, String> httpMetadata,
    Map<String, String> customMetadata,
    Map<String, String> expectedChecksums) {

  public static final ObjectWrite PLAIN = new ObjectWrite(Map.of(), Map.of(), Map.of());

  public ObjectWrite {
    httpMetadata = Map.copyOf(httpMetadata);
    customMetadata = Map.copyOf(customMetadata);
    expectedChecksums = Map.copyOf(expectedChecksums);
  }
}
