package dev.capmesh.runner.storage;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Map;

/**
 * An object's metadata, as R2Object shows it.
 *
 * @param key the object's key
 * @param version an id that changes on every write of the key
 * @param size the whole object's size in bytes
 * @param etag the entity tag without quotes (the MD5 of the bytes, in hex, for a single write)
 * @param uploaded when the object was written
 * @param httpMetadata the HTTP headers stored with it, by R2 field name (contentType,
 *     contentLanguage, contentDisposition, contentEncoding, cacheControl, cacheExpiry)
 * @param customMetadata the worker's own metadata
 * @param checksums hex digests known for the whole object, by algorithm (md5, sha1, sha256,
 *     sha384, sha512)
 */
public record ObjectInfo(
    String key,
    String version,
    long size,
    String etag,
    Instant uploaded,
    Map<String, String> httpMetadata,
    Map<String, String> customMetadata,
    Map<String, String> checksums) {

  public ObjectInfo {
    requireNonNull(key, "key");
    requireNonNull(version, "version");
    requireNonNull(etag, "etag");
    requireNonNull(uploaded, "uploaded");
    httpMetadata = ObjectWrite.ordered(httpMetadata);
    customMetadata = ObjectWrite.ordered(customMetadata);
    checksums = ObjectWrite.ordered(checksums);
    if (size < 0) {
      throw new IllegalArgumentException("size: " + size + " (expected: >= 0)");
    }
  }

  /** The entity tag as HTTP writes it, in double quotes. */
  public String httpEtag() {
    return '"' + etag + '"';
  }

}
