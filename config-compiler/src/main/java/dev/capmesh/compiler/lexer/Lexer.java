package dev.capmesh.compiler.lexer;

import dev.capmesh.compiler.Diagnostics;
import dev.capmesh.compiler.source.Source;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits Cap'n Proto text into tokens. Comments ({@code # ...}) and white space are dropped.
 * Problems (a bad escape, an unterminated string, a stray character) are reported to the
 * collector and lexing goes on, so one run reports them all.
 */
public final class Lexer {
  /** Longest literal we accept; anything longer is certainly not a config. */
  static final int MAX_LITERAL_CHARS = 64 * 1024 * 1024;

  private final Source source;
  private final String text;
  private final Diagnostics diagnostics;
  private int pos;

  private Lexer(Source source, Diagnostics diagnostics) {
    this.source = source;
    this.text = source.text();
    this.diagnostics = diagnostics;
  }

  /** Tokenizes the whole source; the list always ends with an {@link TokenKind#EOF} token. */
  public static List<Token> tokenize(Source source, Diagnostics diagnostics) {
    return new Lexer(source, diagnostics).run();
  }

  private List<Token> run() {
    var tokens = new ArrayList<Token>();
    while (true) {
      skipSpaceAndComments();
      if (pos >= text.length()) {
        tokens.add(simple(TokenKind.EOF, pos, pos));
        return tokens;
      }
      Token t = next();
      if (t != null) {
        tokens.add(t);
      }
    }
  }

  private void skipSpaceAndComments() {
    while (pos < text.length()) {
      char c = text.charAt(pos);
      if (c == '#') {
        while (pos < text.length() && text.charAt(pos) != '\n') {
          pos++;
        }
      } else if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == 0x0B
          || c == '\uFEFF') {
        pos++;
      } else {
        return;
      }
    }
  }

  private Token simple(TokenKind kind, int start, int end) {
    // Punctuation needs no copy of its text: one shared string per kind.
    String t = kind == TokenKind.IDENTIFIER ? text.substring(start, end) : PUNCTUATION[kind.ordinal()];
    return new Token(kind, source.span(start, end), t, null, 0, null);
  }

  private static final String[] PUNCTUATION = new String[TokenKind.values().length];

  static {
    for (TokenKind k : TokenKind.values()) {
      String d = k.display();
      PUNCTUATION[k.ordinal()] = d.length() == 3 && d.charAt(0) == '\'' ? d.substring(1, 2) : "";
    }
  }

  private Token next() {
    int start = pos;
    char c = text.charAt(pos);
    switch (c) {
      case '(': pos++; return simple(TokenKind.LPAREN, start, pos);
      case ')': pos++; return simple(TokenKind.RPAREN, start, pos);
      case '[': pos++; return simple(TokenKind.LBRACKET, start, pos);
      case ']': pos++; return simple(TokenKind.RBRACKET, start, pos);
      case '{': pos++; return simple(TokenKind.LBRACE, start, pos);
      case '}': pos++; return simple(TokenKind.RBRACE, start, pos);
      case ';': pos++; return simple(TokenKind.SEMICOLON, start, pos);
      case ':': pos++; return simple(TokenKind.COLON, start, pos);
      case ',': pos++; return simple(TokenKind.COMMA, start, pos);
      case '=': pos++; return simple(TokenKind.EQUALS, start, pos);
      case '.': pos++; return simple(TokenKind.DOT, start, pos);
      case '$': pos++; return simple(TokenKind.DOLLAR, start, pos);
      case '@': pos++; return simple(TokenKind.AT, start, pos);
      case '-': pos++; return simple(TokenKind.MINUS, start, pos);
      case '"': return string(start);
      default:
        break;
    }
    if (c == '0' && pos + 2 < text.length() && (text.charAt(pos + 1) == 'x' || text.charAt(pos + 1) == 'X')
        && text.charAt(pos + 2) == '"') {
      return binary(start);
    }
    if (c >= '0' && c <= '9') {
      return number(start);
    }
    if (isLetter(c)) {
      while (pos < text.length() && isIdentifierPart(text.charAt(pos))) {
        pos++;
      }
      return simple(TokenKind.IDENTIFIER, start, pos);
    }
    int cp = text.codePointAt(pos);
    pos += Character.charCount(cp);
    diagnostics.error(source.span(start, pos),
        "Unexpected character '" + new String(Character.toChars(cp)) + "'.");
    return null;
  }

  // Cap'n Proto names and numbers are ASCII; other scripts' letters and digits are not.

  private static boolean isLetter(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static boolean isIdentifierPart(char c) {
    return isLetter(c) || isDigit(c);
  }

  private static int hex(char c) {
    if (isDigit(c)) {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    return -1;
  }

  private Token number(int start) {
    boolean isFloat = false;
    if (text.startsWith("0x", pos) || text.startsWith("0X", pos)) {
      pos += 2;
      while (pos < text.length() && hex(text.charAt(pos)) >= 0) {
        pos++;
      }
    } else {
      while (pos < text.length() && isDigit(text.charAt(pos))) {
        pos++;
      }
      if (pos + 1 < text.length() && text.charAt(pos) == '.' && isDigit(text.charAt(pos + 1))) {
        isFloat = true;
        pos++;
        while (pos < text.length() && isDigit(text.charAt(pos))) {
          pos++;
        }
      }
      if (pos < text.length() && (text.charAt(pos) == 'e' || text.charAt(pos) == 'E')) {
        int save = pos;
        pos++;
        if (pos < text.length() && (text.charAt(pos) == '+' || text.charAt(pos) == '-')) {
          pos++;
        }
        if (pos < text.length() && isDigit(text.charAt(pos))) {
          isFloat = true;
          while (pos < text.length() && isDigit(text.charAt(pos))) {
            pos++;
          }
        } else {
          pos = save;
        }
      }
    }
    // A number running straight into letters ("12abc") is one bad token, not two.
    int end = pos;
    while (pos < text.length() && isIdentifierPart(text.charAt(pos))) {
      pos++;
    }
    String raw = text.substring(start, pos);
    var span = source.span(start, pos);
    if (pos != end) {
      diagnostics.error(span, "Invalid number '" + raw + "'.");
      return new Token(TokenKind.INTEGER, span, raw, BigInteger.ZERO, 0, null);
    }
    if (isFloat) {
      double value = Double.parseDouble(raw);
      return new Token(TokenKind.FLOAT, span, raw, null, value, null);
    }
    BigInteger value;
    if (raw.startsWith("0x") || raw.startsWith("0X")) {
      if (raw.length() == 2) {
        diagnostics.error(span, "Invalid hexadecimal number '" + raw + "'.");
        value = BigInteger.ZERO;
      } else {
        value = new BigInteger(raw.substring(2), 16);
      }
    } else if (raw.length() > 1 && raw.charAt(0) == '0') {
      boolean octal = raw.chars().allMatch(ch -> ch >= '0' && ch <= '7');
      if (!octal) {
        diagnostics.error(span, "Invalid octal number '" + raw + "' (a leading 0 means octal).");
        value = BigInteger.ZERO;
      } else {
        value = new BigInteger(raw.substring(1), 8);
      }
    } else {
      value = new BigInteger(raw);
    }
    return new Token(TokenKind.INTEGER, span, raw, value, 0, null);
  }

  private Token string(int start) {
    pos++; // opening quote
    var bytes = new ByteArrayOutputStream();
    boolean closed = false;
    while (pos < text.length()) {
      char c = text.charAt(pos);
      if (c == '"') {
        pos++;
        closed = true;
        break;
      }
      if (c == '\n') {
        break;
      }
      if (bytes.size() > MAX_LITERAL_CHARS) {
        diagnostics.error(source.span(start, pos), "String literal is too long.");
        break;
      }
      if (c == '\\') {
        escape(bytes);
        continue;
      }
      int cp = text.codePointAt(pos);
      pos += Character.charCount(cp);
      bytes.writeBytes(new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8));
    }
    var span = source.span(start, pos);
    if (!closed) {
      diagnostics.error(source.span(start, start + 1), "Unterminated string literal.",
          "close it with '\"' on the same line; use \\n for a line break inside a string");
    }
    byte[] raw = bytes.toByteArray();
    return new Token(TokenKind.STRING, span, new String(raw, StandardCharsets.UTF_8), null, 0, raw);
  }

  /** Decodes one escape sequence at {@code pos} (which points at the backslash) into bytes. */
  private void escape(ByteArrayOutputStream out) {
    int start = pos;
    pos++;
    if (pos >= text.length()) {
      diagnostics.error(source.span(start, pos), "Unterminated escape sequence.");
      return;
    }
    char c = text.charAt(pos++);
    switch (c) {
      case 'a' -> out.write(0x07);
      case 'b' -> out.write(0x08);
      case 'f' -> out.write(0x0C);
      case 'n' -> out.write('\n');
      case 'r' -> out.write('\r');
      case 't' -> out.write('\t');
      case 'v' -> out.write(0x0B);
      case '\'', '"', '\\', '?' -> out.write(c);
      case 'x' -> {
        int value = 0;
        int digits = 0;
        while (digits < 2 && pos < text.length() && hex(text.charAt(pos)) >= 0) {
          value = value * 16 + hex(text.charAt(pos));
          pos++;
          digits++;
        }
        if (digits == 0) {
          diagnostics.error(source.span(start, pos), "Escape '\\x' needs one or two hex digits.");
        }
        out.write(value);
      }
      default -> {
        if (c >= '0' && c <= '7') {
          int value = c - '0';
          int digits = 1;
          while (digits < 3 && pos < text.length() && text.charAt(pos) >= '0' && text.charAt(pos) <= '7') {
            value = value * 8 + (text.charAt(pos) - '0');
            pos++;
            digits++;
          }
          out.write(value & 0xFF);
        } else {
          diagnostics.error(source.span(start, pos), "Invalid escape sequence '\\" + c + "'.",
              "valid escapes are \\n \\t \\r \\\\ \\\" \\' \\xHH and octal \\NNN");
        }
      }
    }
  }

  private Token binary(int start) {
    pos += 3; // 0x"
    var out = new ByteArrayOutputStream();
    int pending = -1;
    boolean closed = false;
    while (pos < text.length()) {
      char c = text.charAt(pos);
      if (c == '"') {
        pos++;
        closed = true;
        break;
      }
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        pos++;
        continue;
      }
      int digit = hex(c);
      if (digit < 0) {
        diagnostics.error(source.span(pos, pos + 1),
            "Invalid character '" + c + "' in binary literal (expected hex digits).");
        pos++;
        continue;
      }
      if (pending < 0) {
        pending = digit;
      } else {
        out.write(pending * 16 + digit);
        pending = -1;
      }
      pos++;
    }
    var span = source.span(start, pos);
    if (!closed) {
      diagnostics.error(source.span(start, start + 3), "Unterminated binary literal.");
    } else if (pending >= 0) {
      diagnostics.error(span, "Binary literal has an odd number of hex digits.");
    }
    byte[] bytes = out.toByteArray();
    return new Token(TokenKind.BINARY, span, text.substring(start, pos), null, 0, bytes);
  }
}
