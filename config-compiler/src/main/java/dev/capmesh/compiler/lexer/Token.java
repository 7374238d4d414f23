package dev.capmesh.compiler.lexer;

import dev.capmesh.compiler.source.Span;
import java.math.BigInteger;
import org.jspecify.annotations.Nullable;

/**
 * One token.
 *
 * @param kind what it is
 * @param span where it is
 * @param text identifier name or decoded string contents; the raw text for numbers
 * @param integer the value of an {@link TokenKind#INTEGER}
 * @param number the value of a {@link TokenKind#FLOAT}
 * @param bytes the decoded bytes of a {@link TokenKind#BINARY} or {@link TokenKind#STRING}
 */
public record Token(
    TokenKind kind, Span span, String text, @Nullable BigInteger integer, double number,
    byte @Nullable [] bytes) {

  /** Whether this is the identifier {@code word}. */
  public boolean isWord(String word) {
    return kind == TokenKind.IDENTIFIER && text.equals(word);
  }

  /** A short description for error messages: the text of words, the kind otherwise. */
  public String describe() {
    return switch (kind) {
      case IDENTIFIER -> "'" + text + "'";
      case INTEGER, FLOAT -> "number " + text;
      case EOF -> "end of file";
      default -> kind.display();
    };
  }
}
