package dev.capmesh.compiler.ast;

import dev.capmesh.compiler.source.Span;
import java.math.BigInteger;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** An expression as written: a type, a value, or a name of either. */
public sealed interface Expr {

  /** Where it was written. */
  Span span();

  /** A bare identifier, looked up in the enclosing scopes. */
  record Name(String name, Span span) implements Expr {}

  /** {@code .name}: looked up in the file's top scope. */
  record AbsoluteName(String name, Span span) implements Expr {}

  /** {@code parent.name}. */
  record Member(Expr parent, String name, Span nameSpan, Span span) implements Expr {}

  /** {@code import "path"}. */
  record Import(String path, Span span) implements Expr {}

  /** {@code embed "path"}. */
  record Embed(String path, Span span) implements Expr {}

  /** {@code function(params)}, e.g. {@code List(Text)}. */
  record Apply(Expr function, List<Param> params, Span span) implements Expr {
    public Apply {
      params = List.copyOf(params);
    }
  }

  /** An integer literal; {@code negative} if written with a leading minus. */
  record Int(BigInteger magnitude, boolean negative, Span span) implements Expr {}

  /** A floating-point literal (or {@code -inf} style negation of one). */
  record Float(double value, Span span) implements Expr {}

  /** A string literal; {@code bytes} is its UTF-8 encoding as written (escapes decoded). */
  record Str(String value, byte[] bytes, Span span) implements Expr {}

  /** A {@code 0x"..."} literal. */
  record Binary(byte[] bytes, Span span) implements Expr {}

  /** {@code [a, b, c]}. */
  record ListLit(List<Expr> elements, Span span) implements Expr {
    public ListLit {
      elements = List.copyOf(elements);
    }
  }

  /** {@code (a = 1, b = 2)}; for a parenthesized single value the param is unnamed. */
  record Tuple(List<Param> params, Span span) implements Expr {
    public Tuple {
      params = List.copyOf(params);
    }
  }

  /** A placeholder for an expression that failed to parse (already reported). */
  record Error(Span span) implements Expr {}

  /**
   * One element of a tuple or parameter list.
   *
   * @param name the field name, or null when positional
   * @param nameSpan where the name is (the value's span when positional)
   * @param value the value
   * @param span the whole {@code name = value}
   */
  record Param(@Nullable String name, Span nameSpan, Expr value, Span span) {}
}
