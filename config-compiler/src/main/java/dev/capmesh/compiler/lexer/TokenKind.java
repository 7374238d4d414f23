package dev.capmesh.compiler.lexer;

/** The kinds of token in Cap'n Proto schema and value text. */
public enum TokenKind {
  IDENTIFIER("identifier"),
  INTEGER("integer"),
  FLOAT("number"),
  STRING("string literal"),
  BINARY("binary literal"),
  LPAREN("'('"),
  RPAREN("')'"),
  LBRACKET("'['"),
  RBRACKET("']'"),
  LBRACE("'{'"),
  RBRACE("'}'"),
  SEMICOLON("';'"),
  COLON("':'"),
  COMMA("','"),
  EQUALS("'='"),
  DOT("'.'"),
  DOLLAR("'$'"),
  AT("'@'"),
  MINUS("'-'"),
  EOF("end of file");

  private final String display;

  TokenKind(String display) {
    this.display = display;
  }

  /** How the kind is named in error messages. */
  public String display() {
    return display;
  }
}
