package dev.capmesh.compiler.parser;

import dev.capmesh.compiler.Diagnostics;
import dev.capmesh.compiler.ast.Decl;
import dev.capmesh.compiler.ast.Expr;
import dev.capmesh.compiler.ast.FileAst;
import dev.capmesh.compiler.lexer.Lexer;
import dev.capmesh.compiler.lexer.Token;
import dev.capmesh.compiler.lexer.TokenKind;
import dev.capmesh.compiler.source.Source;
import dev.capmesh.compiler.source.Span;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Recursive-descent parser for Cap'n Proto schema files and the constant/value syntax inside them.
 * On a syntax error it reports, skips to the end of the statement and goes on.
 */
public final class Parser {
  /** Deeper nesting than this is rejected rather than risking the Java stack. */
  static final int MAX_DEPTH = 256;

  private static final BigInteger MAX_ORDINAL = BigInteger.valueOf(65534);

  private final Source source;
  private final List<Token> tokens;
  private final Diagnostics diagnostics;
  private int index;
  private int depth;

  /** Thrown internally to unwind to the statement level after a reported syntax error. */
  private static final class SyntaxError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    SyntaxError() {
      super(null, null, false, false);
    }
  }

  private Parser(Source source, Diagnostics diagnostics) {
    this.source = source;
    this.tokens = Lexer.tokenize(source, diagnostics);
    this.diagnostics = diagnostics;
  }

  /** Parses a whole file. Never throws for bad input: problems go to {@code diagnostics}. */
  public static FileAst parse(Source source, Diagnostics diagnostics) {
    var parser = new Parser(source, diagnostics);
    List<Decl> decls = parser.declarations(true, new ArrayList<>(), null);
    NameStyle.check(decls, diagnostics);
    return new FileAst(source, decls);
  }

  // ---------------------------------------------------------------- tokens

  private Token peek() {
    return tokens.get(index);
  }

  private Token peek(int ahead) {
    return tokens.get(Math.min(index + ahead, tokens.size() - 1));
  }

  private boolean at(TokenKind kind) {
    return peek().kind() == kind;
  }

  private boolean atWord(String word) {
    return peek().isWord(word);
  }

  private Token advance() {
    Token t = tokens.get(index);
    if (t.kind() != TokenKind.EOF) {
      index++;
    }
    return t;
  }

  private boolean accept(TokenKind kind) {
    if (at(kind)) {
      advance();
      return true;
    }
    return false;
  }

  private Token expect(TokenKind kind, String what) {
    if (at(kind)) {
      return advance();
    }
    throw error(peek().span(), "Expected " + what + ", found " + peek().describe() + ".", null);
  }

  private SyntaxError error(Span span, String message, @Nullable String hint) {
    diagnostics.error(span, message, hint);
    return new SyntaxError();
  }

  private Span spanFrom(Token first) {
    Token last = tokens.get(Math.max(0, index - 1));
    return first.span().to(last.span());
  }

  private void enter() {
    if (++depth > MAX_DEPTH) {
      depth = 0;
      throw error(peek().span(), "Nesting is too deep (more than " + MAX_DEPTH + " levels).", null);
    }
  }

  private void leave() {
    depth--;
  }

  /** After an error: skip past the next ';' at this level, or stop before a closing '}'. */
  private void recover() {
    int braces = 0;
    while (!at(TokenKind.EOF)) {
      Token t = peek();
      if (t.kind() == TokenKind.LBRACE) {
        braces++;
      } else if (t.kind() == TokenKind.RBRACE) {
        if (braces == 0) {
          return;
        }
        braces--;
        if (braces == 0) {
          advance();
          return;
        }
      } else if (t.kind() == TokenKind.SEMICOLON && braces == 0) {
        advance();
        return;
      }
      advance();
    }
  }

  // ---------------------------------------------------------------- declarations

  /**
   * Parses declarations until '}' (or EOF at top level). Struct members are added to
   * {@code members} when it is non-null.
   */
  private List<Decl> declarations(boolean topLevel, List<Decl.Member> members,
      @Nullable String bodyKind) {
    var decls = new ArrayList<Decl>();
    while (true) {
      if (at(TokenKind.EOF)) {
        if (!topLevel) {
          diagnostics.error(peek().span(), "Missing '}' at end of file.");
        }
        return decls;
      }
      if (at(TokenKind.RBRACE)) {
        if (topLevel) {
          diagnostics.error(peek().span(), "Unexpected '}'.");
          advance();
          continue;
        }
        return decls;
      }
      int before = index;
      int depthBefore = depth;
      try {
        statement(topLevel, decls, members, bodyKind);
      } catch (SyntaxError e) {
        depth = depthBefore;
        recover();
        if (index == before) {
          advance();
        }
      }
    }
  }

  private void statement(boolean topLevel, List<Decl> decls, List<Decl.Member> members,
      @Nullable String bodyKind) {
    Token t = peek();
    if (t.kind() == TokenKind.AT && topLevel) {
      // File ID: @0x...;
      advance();
      expect(TokenKind.INTEGER, "a file ID after '@'");
      expect(TokenKind.SEMICOLON, "';' after the file ID");
      return;
    }
    if (t.kind() == TokenKind.DOLLAR) {
      annotations();
      expect(TokenKind.SEMICOLON, "';' after the annotation");
      return;
    }
    if (t.kind() != TokenKind.IDENTIFIER) {
      throw error(t.span(), "Expected a declaration, found " + t.describe() + ".", null);
    }
    switch (t.text()) {
      case "using" -> decls.add(using());
      case "const" -> decls.add(constant());
      case "struct" -> decls.add(struct());
      case "enum" -> decls.add(enumeration());
      case "interface" -> decls.add(iface());
      case "annotation" -> decls.add(annotation());
      case "union" -> {
        if (bodyKind == null) {
          throw error(t.span(), "A union can only appear inside a struct.", null);
        }
        advance();
        Token open = expect(TokenKind.LBRACE, "'{' after 'union'");
        var unionMembers = new ArrayList<Decl.Member>();
        enter();
        decls.addAll(declarations(false, unionMembers, "union"));
        leave();
        expect(TokenKind.RBRACE, "'}' to close the union");
        checkUnionSize(open.span(), unionMembers);
        members.add(new Decl.Union("", t.span(), null, unionMembers));
      }
      default -> {
        if (bodyKind == null) {
          throw error(t.span(), "Expected a declaration ('struct', 'enum', 'const', 'using', ...), found "
              + t.describe() + ".", topLevel ? "fields belong inside a struct" : null);
        }
        members.add(member(decls));
      }
    }
  }

  private void checkUnionSize(Span at, List<Decl.Member> members) {
    if (members.size() < 2) {
      diagnostics.error(at, "Union must have at least two members.");
    }
  }

  private Decl.Member member(List<Decl> nested) {
    Token name = expect(TokenKind.IDENTIFIER, "a field name");
    Integer ordinal = null;
    Span ordinalSpan = name.span();
    if (accept(TokenKind.AT)) {
      Token ord = expect(TokenKind.INTEGER, "an ordinal number after '@'");
      ordinalSpan = ord.span();
      if (ord.integer().compareTo(MAX_ORDINAL) > 0) {
        diagnostics.error(ord.span(), "Ordinal @" + ord.text() + " is too large (at most @65534).");
        ordinal = 0;
      } else {
        ordinal = ord.integer().intValue();
      }
    }
    expect(TokenKind.COLON, "':' and a type after the field name");
    if (atWord("union") || atWord("group")) {
      boolean isUnion = atWord("union");
      Token kw = advance();
      if (!isUnion && ordinal != null) {
        diagnostics.error(ordinalSpan, "Groups don't have ordinals.");
      }
      if (isUnion && accept(TokenKind.AT)) {
        Token ord = expect(TokenKind.INTEGER, "an ordinal number after '@'");
        ordinal = ord.integer().min(MAX_ORDINAL).intValue();
      }
      annotations();
      Token open = expect(TokenKind.LBRACE, "'{' after '" + kw.text() + "'");
      var sub = new ArrayList<Decl.Member>();
      enter();
      nested.addAll(declarations(false, sub, isUnion ? "union" : "group"));
      leave();
      expect(TokenKind.RBRACE, "'}' to close the " + kw.text());
      if (isUnion) {
        checkUnionSize(open.span(), sub);
        return new Decl.Union(name.text(), name.span(), ordinal, sub);
      }
      if (sub.isEmpty()) {
        diagnostics.error(name.span(), "Group must have at least one member.");
      }
      return new Decl.Group(name.text(), name.span(), sub);
    }
    if (ordinal == null) {
      throw error(name.span(), "Field '" + name.text() + "' needs an ordinal, like '" + name.text() + " @0 :Type;'.", null);
    }
    Expr type = typeExpr();
    Expr defaultValue = null;
    if (accept(TokenKind.EQUALS)) {
      defaultValue = value();
    }
    annotations();
    expect(TokenKind.SEMICOLON, "';' after the field");
    return new Decl.Field(name.text(), name.span(), ordinal, ordinalSpan, type, defaultValue);
  }

  private Decl using() {
    Token kw = advance();
    if (at(TokenKind.IDENTIFIER) && peek(1).kind() == TokenKind.EQUALS) {
      Token name = advance();
      advance();
      Expr target = typeExpr();
      expect(TokenKind.SEMICOLON, "';' after the using declaration");
      return new Decl.Using(name.text(), name.span(), target);
    }
    Expr target = typeExpr();
    expect(TokenKind.SEMICOLON, "';' after the using declaration");
    return switch (target) {
      case Expr.Member m -> new Decl.Using(m.name(), m.nameSpan(), target);
      case Expr.Name n -> new Decl.Using(n.name(), n.span(), target);
      case Expr.AbsoluteName a -> new Decl.Using(a.name(), a.span(), target);
      default -> throw error(kw.span(), "'using' without a name needs a qualified name, like 'using Foo.Bar;'.", null);
    };
  }

  private Decl constant() {
    Token kw = advance();
    Token name = expect(TokenKind.IDENTIFIER, "a constant name after 'const'");
    skipId();
    expect(TokenKind.COLON, "':' and a type after the constant name");
    Expr type = typeExpr();
    expect(TokenKind.EQUALS, "'=' and a value: constants need a value");
    Expr value = value();
    annotations();
    expect(TokenKind.SEMICOLON, "';' after the constant");
    return new Decl.Const(name.text(), name.span(), type, value, spanFrom(kw));
  }

  private Decl struct() {
    Token kw = advance();
    Token name = expect(TokenKind.IDENTIFIER, "a struct name after 'struct'");
    skipId();
    if (at(TokenKind.LPAREN)) {
      throw error(peek().span(), "Generic structs are not supported in configs.", null);
    }
    annotations();
    expect(TokenKind.LBRACE, "'{' to open the struct body");
    var members = new ArrayList<Decl.Member>();
    enter();
    List<Decl> nested = declarations(false, members, "struct");
    leave();
    expect(TokenKind.RBRACE, "'}' to close the struct");
    return new Decl.Struct(name.text(), name.span(), members, nested, spanFrom(kw));
  }

  private Decl enumeration() {
    Token kw = advance();
    Token name = expect(TokenKind.IDENTIFIER, "an enum name after 'enum'");
    skipId();
    annotations();
    expect(TokenKind.LBRACE, "'{' to open the enum body");
    var enumerants = new ArrayList<Decl.Enumerant>();
    while (!at(TokenKind.RBRACE) && !at(TokenKind.EOF)) {
      try {
        Token e = expect(TokenKind.IDENTIFIER, "an enumerant name");
        expect(TokenKind.AT, "'@' and an ordinal after the enumerant");
        Token ord = expect(TokenKind.INTEGER, "an ordinal number");
        annotations();
        expect(TokenKind.SEMICOLON, "';' after the enumerant");
        enumerants.add(new Decl.Enumerant(e.text(), e.span(),
            ord.integer().min(MAX_ORDINAL).intValue(), ord.span()));
      } catch (SyntaxError err) {
        recover();
      }
    }
    expect(TokenKind.RBRACE, "'}' to close the enum");
    return new Decl.Enum(name.text(), name.span(), enumerants, spanFrom(kw));
  }

  private Decl iface() {
    advance();
    Token name = expect(TokenKind.IDENTIFIER, "an interface name");
    // Interfaces cannot appear in config values; skip the body wholesale.
    while (!at(TokenKind.LBRACE) && !at(TokenKind.EOF) && !at(TokenKind.SEMICOLON)) {
      advance();
    }
    expect(TokenKind.LBRACE, "'{' to open the interface body");
    int braces = 1;
    while (braces > 0 && !at(TokenKind.EOF)) {
      Token t = advance();
      if (t.kind() == TokenKind.LBRACE) {
        braces++;
      } else if (t.kind() == TokenKind.RBRACE) {
        braces--;
      }
    }
    return new Decl.Interface(name.text(), name.span(), List.of());
  }

  private Decl annotation() {
    advance();
    Token name = expect(TokenKind.IDENTIFIER, "an annotation name");
    skipId();
    if (accept(TokenKind.LPAREN)) {
      while (!at(TokenKind.RPAREN) && !at(TokenKind.EOF)) {
        advance();
      }
      expect(TokenKind.RPAREN, "')' after the annotation targets");
    }
    expect(TokenKind.COLON, "':' and a type for the annotation");
    Expr type = typeExpr();
    annotations();
    expect(TokenKind.SEMICOLON, "';' after the annotation");
    return new Decl.Annotation(name.text(), name.span(), type);
  }

  /** Skips an optional node ID ({@code @0x1234}). */
  private void skipId() {
    if (at(TokenKind.AT) && peek(1).kind() == TokenKind.INTEGER) {
      advance();
      advance();
    }
  }

  /** Parses and drops annotation applications: {@code $foo}, {@code $Foo.bar("x")}. */
  private void annotations() {
    while (accept(TokenKind.DOLLAR)) {
      typeExpr(false);
      if (at(TokenKind.LPAREN)) {
        value();
      }
    }
  }

  // ---------------------------------------------------------------- expressions

  /** A type or a name: {@code Foo}, {@code .Foo.Bar}, {@code List(Text)}, {@code import "x".Foo}. */
  private Expr typeExpr() {
    return typeExpr(true);
  }

  private Expr typeExpr(boolean allowApply) {
    Token first = peek();
    Expr e;
    if (accept(TokenKind.DOT)) {
      Token name = expect(TokenKind.IDENTIFIER, "a name after '.'");
      e = new Expr.AbsoluteName(name.text(), first.span().to(name.span()));
    } else if (atWord("import")) {
      advance();
      Token path = expect(TokenKind.STRING, "a quoted path after 'import'");
      e = new Expr.Import(path.text(), first.span().to(path.span()));
    } else {
      Token name = expect(TokenKind.IDENTIFIER, "a type name");
      e = new Expr.Name(name.text(), name.span());
    }
    return postfix(e, first, allowApply);
  }

  private Expr postfix(Expr e, Token first, boolean allowApply) {
    while (true) {
      if (at(TokenKind.DOT) && peek(1).kind() == TokenKind.IDENTIFIER) {
        advance();
        Token name = advance();
        e = new Expr.Member(e, name.text(), name.span(), first.span().to(name.span()));
      } else if (allowApply && at(TokenKind.LPAREN)) {
        Token open = advance();
        var params = new ArrayList<Expr.Param>();
        enter();
        while (!at(TokenKind.RPAREN)) {
          Expr arg = typeExpr();
          params.add(new Expr.Param(null, arg.span(), arg, arg.span()));
          if (!accept(TokenKind.COMMA)) {
            break;
          }
        }
        leave();
        expect(TokenKind.RPAREN, "')' to close the parameter list opened at " + open.span().location());
        e = new Expr.Apply(e, params, spanFrom(first));
      } else {
        return e;
      }
    }
  }

  /** A value: literal, list, tuple, name, or {@code embed "file"}. */
  private Expr value() {
    Token first = peek();
    enter();
    try {
      switch (first.kind()) {
        case INTEGER -> {
          advance();
          return new Expr.Int(first.integer(), false, first.span());
        }
        case FLOAT -> {
          advance();
          return new Expr.Float(first.number(), first.span());
        }
        case MINUS -> {
          advance();
          Token n = peek();
          if (n.kind() == TokenKind.INTEGER) {
            advance();
            return new Expr.Int(n.integer(), true, first.span().to(n.span()));
          } else if (n.kind() == TokenKind.FLOAT) {
            advance();
            return new Expr.Float(-n.number(), first.span().to(n.span()));
          } else if (n.isWord("inf")) {
            advance();
            return new Expr.Float(Double.NEGATIVE_INFINITY, first.span().to(n.span()));
          }
          throw error(n.span(), "Expected a number after '-', found " + n.describe() + ".", null);
        }
        case STRING -> {
          advance();
          return new Expr.Str(first.text(), first.bytes(), first.span());
        }
        case BINARY -> {
          advance();
          return new Expr.Binary(first.bytes(), first.span());
        }
        case LBRACKET -> {
          return list();
        }
        case LPAREN -> {
          return tuple();
        }
        case DOT -> {
          advance();
          Token name = expect(TokenKind.IDENTIFIER, "a constant name after '.'");
          return postfix(new Expr.AbsoluteName(name.text(), first.span().to(name.span())), first, false);
        }
        case IDENTIFIER -> {
          if (first.isWord("embed") && peek(1).kind() == TokenKind.STRING) {
            advance();
            Token path = advance();
            return new Expr.Embed(path.text(), first.span().to(path.span()));
          }
          if (first.isWord("import") && peek(1).kind() == TokenKind.STRING) {
            return typeExpr();
          }
          advance();
          return postfix(new Expr.Name(first.text(), first.span()), first, false);
        }
        default -> throw error(first.span(), "Expected a value, found " + first.describe() + ".", null);
      }
    } finally {
      leave();
    }
  }

  private Expr list() {
    Token open = advance();
    var elements = new ArrayList<Expr>();
    while (!at(TokenKind.RBRACKET)) {
      if (at(TokenKind.EOF) || at(TokenKind.SEMICOLON) || at(TokenKind.RBRACE)) {
        throw error(peek().span(), "Expected ']' to close the list opened at " + open.span().location()
            + ", found " + peek().describe() + ".", null);
      }
      elements.add(value());
      if (!accept(TokenKind.COMMA)) {
        if (!at(TokenKind.RBRACKET)) {
          throw error(peek().span(), "Expected ',' or ']' in the list, found " + peek().describe() + ".", null);
        }
      }
    }
    advance();
    return new Expr.ListLit(elements, spanFrom(open));
  }

  private Expr tuple() {
    Token open = advance();
    var params = new ArrayList<Expr.Param>();
    while (!at(TokenKind.RPAREN)) {
      if (at(TokenKind.EOF) || at(TokenKind.SEMICOLON) || at(TokenKind.RBRACE)) {
        throw error(peek().span(), "Expected ')' to close the value opened at " + open.span().location()
            + ", found " + peek().describe() + ".", null);
      }
      Token start = peek();
      if (at(TokenKind.IDENTIFIER) && peek(1).kind() == TokenKind.EQUALS) {
        Token name = advance();
        advance();
        Expr v = value();
        params.add(new Expr.Param(name.text(), name.span(), v, name.span().to(v.span())));
      } else {
        Expr v = value();
        params.add(new Expr.Param(null, v.span(), v, start.span().to(v.span())));
      }
      if (!accept(TokenKind.COMMA)) {
        if (!at(TokenKind.RPAREN)) {
          Token bad = peek();
          String hint = bad.kind() == TokenKind.IDENTIFIER ? "separate fields with ','" : null;
          throw error(bad.span(), "Expected ',' or ')' after the field value, found " + bad.describe() + ".", hint);
        }
      }
    }
    advance();
    return new Expr.Tuple(params, spanFrom(open));
  }
}
