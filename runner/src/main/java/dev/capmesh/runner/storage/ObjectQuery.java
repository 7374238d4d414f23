package dev.capmesh.runner.storage;

import org.jspecify.annotations.Nullable;

/**
 * One list call, as R2's list options write it.
 *
 * @param prefix only keys starting with this
 * @param delimiter when set, keys with the delimiter after the prefix are rolled up into
 *     {@link ObjectPage#delimitedPrefixes()} (up to and including the delimiter)
 * @param cursor the {@link ObjectPage#cursor()} of the previous page, or null
 * @param startAfter only keys after this one (exclusive), or null
 * @param limit at most this many objects and delimited prefixes together (1..1000)
 */
public record ObjectQuery(
    String prefix,
    @Nullable String delimiter,
    @Nullable String cursor,
    @Nullable String startAfter,
    int limit) {

  public static final int MAX_LIMIT = 1000;

  public ObjectQuery {
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new IllegalArgumentException("limit: " + limit + " (expected: 1.." + MAX_LIMIT + ")");
    }
    if (delimiter != null && delimiter.isEmpty()) {
      delimiter = null;
    }
  }
}
