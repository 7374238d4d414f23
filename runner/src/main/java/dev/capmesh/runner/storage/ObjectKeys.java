package dev.capmesh.runner.storage;

import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * The order the embedded store lists keys in (their UTF-8 bytes), and its list cursors: the last
 * item of a page ({@code k} and a key, or {@code p} and a delimited prefix), tagged and base64url
 * encoded. Stateless.
 */
final class ObjectKeys {
  private static final String CURSOR_TAG = "e1:";

  private ObjectKeys() {}

  /**
   * Compares by code point, which is the order of the strings' UTF-8 bytes (UTF-16 order, that
   * of {@link String#compareTo}, differs for characters beyond U+FFFF).
   */
  static int compareUtf8(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      int ca = a.codePointAt(i);
      int cb = b.codePointAt(j);
      if (ca != cb) {
        return Integer.compare(ca, cb);
      }
      i += Character.charCount(ca);
      j += Character.charCount(cb);
    }
    return Integer.compare(a.length() - i, b.length() - j);
  }

  /** The least string after every string that starts with {@code p}; null if there is none. */
  static @Nullable String successor(String p) {
    int[] cps = p.codePoints().toArray();
    for (int n = cps.length; n > 0; n--) {
      int last = cps[n - 1];
      if (last < Character.MAX_CODE_POINT) {
        int next = last + 1 == Character.MIN_SURROGATE ? Character.MAX_SURROGATE + 1 : last + 1;
        cps[n - 1] = next;
        return new String(cps, 0, n);
      }
    }
    return null;
  }

  static String encodeCursor(String lastItem) {
    return java.util.Base64.getUrlEncoder().withoutPadding()
        .encodeToString((CURSOR_TAG + lastItem).getBytes(StandardCharsets.UTF_8));
  }

  static String decodeCursor(String cursor) {
    String text;
    try {
      text = new String(java.util.Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      text = "";
    }
    if (!text.startsWith(CURSOR_TAG) || text.length() < CURSOR_TAG.length() + 1
        || "kp".indexOf(text.charAt(CURSOR_TAG.length())) < 0) {
      throw new IllegalArgumentException("the cursor is not one a list() of this bucket returned");
    }
    return text.substring(CURSOR_TAG.length());
  }
}
