package dev.capmesh.compiler;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** "Did you mean ...?" hints: the known names closest to a misspelled one. */
public final class Suggestions {
  private Suggestions() {}

  /**
   * The candidates within a small edit distance of {@code name} (at most 3, scaled to the name's
   * length), closest first; case differences count as half an edit.
   */
  public static List<String> closest(String name, Collection<String> candidates) {
    int limit = Math.max(1, Math.min(3, name.length() / 3 + 1));
    record Scored(String candidate, int score) {}
    var scored = new ArrayList<Scored>();
    for (String c : candidates) {
      if (c.equals(name)) {
        continue;
      }
      int d = c.equalsIgnoreCase(name) ? 0 : distance(name.toLowerCase(), c.toLowerCase());
      if (d <= limit) {
        scored.add(new Scored(c, d));
      }
    }
    scored.sort(Comparator.comparingInt(Scored::score).thenComparing(Scored::candidate));
    return scored.stream().map(Scored::candidate).limit(3).toList();
  }

  /** A hint "did you mean 'x'?" for the closest candidate, or null if none is close. */
  public static @Nullable String didYouMean(String name, Collection<String> candidates) {
    List<String> best = closest(name, candidates);
    return best.isEmpty() ? null : "did you mean '" + best.get(0) + "'?";
  }

  /** Levenshtein distance, capped at 100 characters per side to stay cheap. */
  static int distance(String a, String b) {
    if (a.length() > 100 || b.length() > 100) {
      return Integer.MAX_VALUE;
    }
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
