package dev.capmesh.runner.storage;

import org.jspecify.annotations.Nullable;

/**
 * A range of an object as R2's {@code range} option writes it: an offset with an optional
 * length, or a suffix (the last {@code suffix} bytes). Exactly one of {@code offset} and
 * {@code suffix} is set.
 */
public record ByteRange(@Nullable Long offset, @Nullable Long length, @Nullable Long suffix) {

  public ByteRange {
    if ((offset == null) == (suffix == null)) {
      throw new IllegalArgumentException("a range has either an offset or a suffix");
    }
    if ((offset != null && offset < 0) || (length != null && length < 0) || (suffix != null && suffix < 0)) {
      throw new IllegalArgumentException("a range's offset, length and suffix are >= 0");
    }
    if (suffix != null && length != null) {
      throw new IllegalArgumentException("a suffix range has no length");
    }
  }

  /** The bytes [{@code offset}, {@code offset + length}) of an object. */
  public record Resolved(long offset, long length) {}

  /**
   * This range against an object of {@code size} bytes, clamped to the object's end; null when
   * it starts at or after the end of a non-empty object (HTTP's unsatisfiable range).
   */
  public @Nullable Resolved resolve(long size) {
    if (suffix != null) {
      long n = Math.min(suffix, size);
      return new Resolved(size - n, n);
    }
    if (offset >= size && size > 0) {
      return null;
    }
    long start = Math.min(offset, size);
    long n = length == null ? size - start : Math.min(length, size - start);
    return new Resolved(start, n);
  }
}
