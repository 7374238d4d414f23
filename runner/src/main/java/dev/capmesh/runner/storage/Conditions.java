package dev.capmesh.runner.storage;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * R2's {@code onlyIf}: HTTP preconditions on the object already stored. Entity tags are given
 * without quotes; {@code "*"} matches any object. Times compare at one-second resolution, as
 * HTTP dates do.
 *
 * @param etagMatches If-Match: one of these tags (empty: no condition)
 * @param etagDoesNotMatch If-None-Match: none of these tags (empty: no condition)
 * @param uploadedBefore If-Unmodified-Since
 * @param uploadedAfter If-Modified-Since
 */
public record Conditions(
    List<String> etagMatches,
    List<String> etagDoesNotMatch,
    @Nullable Instant uploadedBefore,
    @Nullable Instant uploadedAfter) {

  /** No conditions: always holds. */
  public static final Conditions NONE = new Conditions(List.of(), List.of(), null, null);

  public Conditions {
    etagMatches = List.copyOf(etagMatches);
    etagDoesNotMatch = List.copyOf(etagDoesNotMatch);
  }

  public boolean isEmpty() {
    return etagMatches.isEmpty() && etagDoesNotMatch.isEmpty() && uploadedBefore == null
        && uploadedAfter == null;
  }

  /**
   * Whether the conditions hold for {@code existing} (null: no object under the key), in the
   * order RFC 9110 section 13.2.2 evaluates them: an If-Match that is given decides instead of
   * If-Unmodified-Since, an If-None-Match that is given decides instead of If-Modified-Since.
   */
  public boolean holds(@Nullable ObjectInfo existing) {
    if (!etagMatches.isEmpty()) {
      if (existing == null || !anyMatches(etagMatches, existing.etag())) {
        return false;
      }
    } else if (uploadedBefore != null && existing != null
        && seconds(existing.uploaded()).isAfter(seconds(uploadedBefore))) {
      return false;
    }
    if (!etagDoesNotMatch.isEmpty()) {
      if (existing != null && anyMatches(etagDoesNotMatch, existing.etag())) {
        return false;
      }
    } else if (uploadedAfter != null && existing != null
        && !seconds(existing.uploaded()).isAfter(seconds(uploadedAfter))) {
      return false;
    }
    return true;
  }

  private static boolean anyMatches(List<String> tags, String etag) {
    for (String t : tags) {
      if (t.equals("*") || t.equals(etag)) {
        return true;
      }
    }
    return false;
  }

  private static Instant seconds(Instant t) {
    return t.truncatedTo(ChronoUnit.SECONDS);
  }
}
