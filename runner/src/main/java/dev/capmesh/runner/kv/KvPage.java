package dev.capmesh.runner.kv;

import static java.util.Objects.requireNonNull;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One page of a listing.
 *
 * @param keys the keys, in order
 * @param complete whether no key follows the last one
 */
public record KvPage(List<Key> keys, boolean complete) {
  public KvPage {
    keys = List.copyOf(keys);
  }

  /**
   * One listed key.
   *
   * @param expiration epoch seconds, 0 for none
   * @param metadataJson its metadata as JSON text, or null
   */
  public record Key(String name, long expiration, @Nullable String metadataJson) {
    public Key {
      requireNonNull(name, "name");
    }
  }
}
