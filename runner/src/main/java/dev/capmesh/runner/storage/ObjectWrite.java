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
    httpMetadata = ordered(httpMetadata);
    customMetadata = ordered(customMetadata);
    expectedChecksums = ordered(expectedChecksums);
  }

  /** An unmodifiable copy that keeps the order the entries were given in (workers see it). */
  static Map<String, String> ordered(Map<String, String> map) {
    var copy = new java.util.LinkedHashMap<String, String>();
    map.forEach((k, v) -> copy.put(java.util.Objects.requireNonNull(k, "key"), java.util.Objects.requireNonNull(v, "value")));
    return java.util.Collections.unmodifiableMap(copy);
  }
}
