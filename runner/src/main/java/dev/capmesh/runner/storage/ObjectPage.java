package dev.capmesh.runner.storage;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One page of a listing.
 *
 * @param objects the objects on this page, in key order
 * @param delimitedPrefixes the rolled-up prefixes on this page, in order
 * @param truncated whether more follow
 * @param cursor what to pass as the next query's cursor; null when not truncated. Opaque to
 *     workers: a backend may put anything in it
 */
public record ObjectPage(
    List<ObjectInfo> objects,
    List<String> delimitedPrefixes,
    boolean truncated,
    @Nullable String cursor) {

  public ObjectPage {
    objects = List.copyOf(objects);
    delimitedPrefixes = List.copyOf(delimitedPrefixes);
  }
}
