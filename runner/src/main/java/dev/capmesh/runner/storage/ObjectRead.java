package dev.capmesh.runner.storage;

import static java.util.Objects.requireNonNull;

import dev.capmesh.runner.service.BodyStream;
import org.jspecify.annotations.Nullable;

/**
 * The answer to a get of an existing object.
 *
 * @param info the object's metadata
 * @param body the requested bytes; null when the get's conditions did not hold
 * @param range the bytes {@code body} holds, resolved against the object's size (offset and
 *     length, never a suffix); null when the body is the whole object or absent
 */
public record ObjectRead(ObjectInfo info, @Nullable BodyStream body, ByteRange.@Nullable Resolved range) {
  public ObjectRead {
    requireNonNull(info, "info");
  }
}
