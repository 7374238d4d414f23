package dev.capmesh.runner.service;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Makes text that came from a worker or a client safe to put in one log field: control
 * characters cannot start a new line or drive a terminal, and secrets can be matched in every
 * encoding the runtime writes them in. Stateless; thread-safe.
 */
public final class LogText {
  private LogText() {}

  /**
   * {@code text} with every C0 and C1 control character, DEL and the Unicode line and paragraph
   * separators written as an escape ({@code \n}, {@code \r}, {@code \t}, otherwise
   * {@code \}{@code uXXXX}), so that one field stays on one line.
   */
  public static String escape(String text) {
    int i = 0;
    while (i < text.length() && !needsEscape(text.charAt(i))) {
      i++;
    }
    if (i == text.length()) {
      return text;
    }
    var out = new StringBuilder(text.length() + 16).append(text, 0, i);
    for (; i < text.length(); i++) {
      char c = text.charAt(i);
      if (!needsEscape(c)) {
        out.append(c);
        continue;
      }
      switch (c) {
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> out.append(String.format("\\u%04x", (int) c));
      }
    }
    return out.toString();
  }

  private static boolean needsEscape(char c) {
    return c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == '\u2028' || c == '\u2029';
  }

  /**
   * Every form {@code secret} can take in text the runner writes, longest first: the raw value,
   * its JSON string escaping (how {@code JSON.stringify} and the console's object inspection
   * write it), its log escaping ({@link #escape}), its URL encodings (percent-encoding as
   * {@code encodeURIComponent} does, and form encoding as {@code URLSearchParams} does), and,
   * for a multi-line value such as a PEM key, each line of at least 16 characters on its own.
   */
  public static List<String> secretForms(String secret) {
    Set<String> forms = new LinkedHashSet<>();
    if (secret.isEmpty()) {
      return List.of();
    }
    forms.add(secret);
    forms.add(jsonEscape(secret));
    forms.add(escape(secret));
    String form = URLEncoder.encode(secret, StandardCharsets.UTF_8);
    forms.add(form);
    forms.add(form.replace("+", "%20").replace("%7E", "~")
        .replace("%21", "!").replace("%27", "'").replace("%28", "(").replace("%29", ")"));
    if (secret.indexOf('\n') >= 0 || secret.indexOf('\r') >= 0) {
      for (String line : secret.split("\r\n|\r|\n")) {
        String trimmed = line.strip();
        if (trimmed.length() >= 16) {
          forms.add(trimmed);
          forms.add(jsonEscape(trimmed));
        }
      }
    }
    return forms.stream().sorted((a, b) -> Integer.compare(b.length(), a.length())).toList();
  }

  /** The inside of the JSON string literal of {@code s}, escaped as ECMAScript's JSON.stringify does. */
  static String jsonEscape(String s) {
    var out = new StringBuilder(s.length() + 8);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          boolean lone = Character.isSurrogate(c) && !(Character.isHighSurrogate(c)
              && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1)));
          if (Character.isLowSurrogate(c) && i > 0 && Character.isHighSurrogate(s.charAt(i - 1))) {
            lone = false;
          }
          if (c < 0x20 || lone) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.toString();
  }
}
