package dev.capmesh.runner.service;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** One log field stays one line; secrets are listed in every encoding the runner writes. */
class LogTextTest {
  @Test void controlCharactersAndLineSeparatorsAreEscaped() {
    String forged = "ok\nrequest id=x\r\t\u0000\u001b[2J\u007f\u0085\u2028\u2029end";
    String escaped = LogText.escape(forged);
    assertThat(escaped).isEqualTo("ok\\nrequest id=x\\r\\t\\u0000\\u001b[2J\\u007f\\u0085\\u2028\\u2029end");
    assertThat(escaped.chars()).noneMatch(c -> c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == 0x2028 || c == 0x2029);
    assertThat(LogText.escape(escaped)).isEqualTo(escaped);
    assertThat(LogText.escape("plain é ✓")).isEqualTo("plain é ✓");
  }

  @Test void secretFormsCoverJsonUrlAndLines() {
    String pem = "-----BEGIN KEY-----\nABCDEFGHIJKLMNOPQRSTUVWX\n\"q\" a/b\n-----END KEY-----";
    assertThat(LogText.secretForms(pem)).contains(pem,
        "-----BEGIN KEY-----\\nABCDEFGHIJKLMNOPQRSTUVWX\\n\\\"q\\\" a/b\\n-----END KEY-----",
        "ABCDEFGHIJKLMNOPQRSTUVWX", "-----BEGIN KEY-----");
    assertThat(LogText.secretForms("a b'~*(x)")).contains("a b'~*(x)", "a%20b'~*(x)", "a+b%27%7E*%28x%29");
    assertThat(LogText.secretForms("")).isEmpty();
    assertThat(LogText.jsonEscape("\ud800x\ud83d\ude00\u2028")).isEqualTo("\\ud800x\ud83d\ude00\u2028");
  }
}
