package dev.capmesh.runner.js;

import java.util.Comparator;
import java.util.List;

/** Replaces secret values by {@code [REDACTED]} in text the runtime emits. Immutable. */
final class Redactor {
  static final String MARK = "[REDACTED]";
  private final List<String> secrets;

  Redactor(List<String> secrets) {
    // Longest first, so a secret containing another is replaced whole.
    this.secrets = secrets.stream().filter(s -> !s.isEmpty())
        .sorted(Comparator.comparingInt(String::length).reversed()).toList();
  }

  String redact(String text) {
    String out = text;
    for (String s : secrets) {
      out = out.replace(s, MARK);
    }
    return out;
  }
}
