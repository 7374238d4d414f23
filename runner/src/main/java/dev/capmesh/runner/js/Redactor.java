package dev.capmesh.runner.js;

import dev.capmesh.runner.service.LogText;
import java.util.Comparator;
import java.util.List;

/**
 * Replaces secret values by {@code [REDACTED]} in text the runtime emits, in every form
 * {@link LogText#secretForms} lists (raw, JSON-escaped, log-escaped, URL-encoded, and the
 * lines of a multi-line value). Immutable.
 */
final class Redactor {
  static final String MARK = "[REDACTED]";
  private final List<String> forms;

  Redactor(List<String> secrets) {
    // Longest first, so a secret containing another is replaced whole.
    this.forms = secrets.stream().filter(s -> !s.isEmpty())
        .flatMap(s -> LogText.secretForms(s).stream()).distinct()
        .sorted(Comparator.comparingInt(String::length).reversed()).toList();
  }

  String redact(String text) {
    String out = text;
    for (String s : forms) {
      out = out.replace(s, MARK);
    }
    return out;
  }

  /** {@link #redact} then {@link LogText#escape}: what one log field may hold. */
  String forLog(String text) {
    return LogText.escape(redact(text));
  }
}
