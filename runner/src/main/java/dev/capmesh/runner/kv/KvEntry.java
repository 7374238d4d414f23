package dev.capmesh.runner.kv;

import static java.util.Objects.requireNonNull;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * One stored value.
 *
 * @param value the value's bytes (not copied: callers hand over ownership)
 * @param metadataJson the metadata as JSON text, or null for none
 * @param expiration when it expires, in epoch seconds; 0 for never
 */
public record KvEntry(byte[] value, @Nullable String metadataJson, long expiration) {
  public KvEntry {
    requireNonNull(value, "value");
    if (expiration < 0) {
      throw new IllegalArgumentException("expiration: " + expiration + " (expected: >= 0)");
    }
  }

  /** Whether the entry has expired at {@code nowSeconds}. */
  public boolean expiredAt(long nowSeconds) {
    return expiration != 0 && expiration <= nowSeconds;
  }

  /** One byte array holding the whole entry, for stores that keep a single value per key. */
  byte[] encode() {
    byte[] meta = metadataJson == null ? null : metadataJson.getBytes(StandardCharsets.UTF_8);
    var out = ByteBuffer.allocate(12 + (meta == null ? 0 : meta.length) + value.length);
    out.putLong(expiration).putInt(meta == null ? -1 : meta.length);
    if (meta != null) {
      out.put(meta);
    }
    return out.put(value).array();
  }

  /** The inverse of {@link #encode}. */
  static KvEntry decode(byte[] bytes) {
    var in = ByteBuffer.wrap(bytes);
    long expiration = in.getLong();
    int metaLength = in.getInt();
    String meta = null;
    if (metaLength >= 0) {
      meta = new String(bytes, 12, metaLength, StandardCharsets.UTF_8);
      in.position(12 + metaLength);
    }
    byte[] value = new byte[in.remaining()];
    in.get(value);
    return new KvEntry(value, meta, expiration);
  }

  /** Only the sizes: values and metadata may hold anything. */
  @Override public String toString() {
    return "KvEntry[" + value.length + " bytes, metadata=" + (metadataJson != null) + ", expiration="
        + expiration + "]";
  }
}
