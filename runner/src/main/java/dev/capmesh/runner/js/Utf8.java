package dev.capmesh.runner.js;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * UTF-8 on the host side with the worker runtime's meaning (web-core.js): encoding turns a lone
 * surrogate into U+FFFD (where {@link String#getBytes} would write {@code ?}); decoding is offered
 * only for well-formed input, where every decoder agrees (the WHATWG decoder's replacement of
 * malformed sequences differs from the JDK's, so malformed bytes are left to the JS decoder).
 * Encoding is thread-safe; an instance decodes on one thread at a time.
 */
final class Utf8 {
  private final CharsetDecoder strict = StandardCharsets.UTF_8.newDecoder()
      .onMalformedInput(CodingErrorAction.REPORT)
      .onUnmappableCharacter(CodingErrorAction.REPORT);

  /** {@code bytes} as text if they are well-formed UTF-8, else null. */
  @Nullable String decodeWellFormed(byte[] bytes) {
    int i = 0;
    while (i < bytes.length && bytes[i] >= 0) {
      i++;
    }
    if (i == bytes.length) {
      return new String(bytes, StandardCharsets.ISO_8859_1);
    }
    try {
      CharBuffer chars = strict.reset().decode(ByteBuffer.wrap(bytes));
      return chars.toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  /** The UTF-8 bytes of {@code s}, each lone surrogate as U+FFFD (EF BF BD). */
  static byte[] encode(String s) {
    int n = s.length();
    int i = 0;
    while (i < n && !Character.isSurrogate(s.charAt(i))) {
      i++;
    }
    if (i == n) {
      return s.getBytes(StandardCharsets.UTF_8);
    }
    var out = new java.io.ByteArrayOutputStream(n * 3);
    out.writeBytes(s.substring(0, i).getBytes(StandardCharsets.UTF_8));
    while (i < n) {
      char c = s.charAt(i);
      int cp;
      if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
        cp = Character.toCodePoint(c, s.charAt(i + 1));
        i += 2;
      } else {
        cp = Character.isSurrogate(c) ? 0xfffd : c;
        i++;
      }
      if (cp < 0x80) {
        out.write(cp);
      } else if (cp < 0x800) {
        out.write(0xc0 | cp >> 6);
        out.write(0x80 | cp & 63);
      } else if (cp < 0x10000) {
        out.write(0xe0 | cp >> 12);
        out.write(0x80 | cp >> 6 & 63);
        out.write(0x80 | cp & 63);
      } else {
        out.write(0xf0 | cp >> 18);
        out.write(0x80 | cp >> 12 & 63);
        out.write(0x80 | cp >> 6 & 63);
        out.write(0x80 | cp & 63);
      }
    }
    return out.toByteArray();
  }
}
