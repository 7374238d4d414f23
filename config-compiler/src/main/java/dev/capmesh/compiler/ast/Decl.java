package dev.capmesh.compiler.ast;

import dev.capmesh.compiler.source.Span;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** A declaration in a file or struct scope. */
public sealed interface Decl {

  /** The declared name (for an unnamed {@code using Foo.Bar;}, the last component). */
  String name();

  /** Where the name is written. */
  Span nameSpan();

  /** {@code using Name = target;}. */
  record Using(String name, Span nameSpan, Expr target) implements Decl {}

  /** {@code const name :type = value;}. */
  record Const(String name, Span nameSpan, Expr type, Expr value, Span span) implements Decl {}

  /** {@code struct Name { ... }}; members are fields, unions and groups. */
  record Struct(String name, Span nameSpan, List<Member> members, List<Decl> nested, Span span)
      implements Decl {
    public Struct {
      members = List.copyOf(members);
      nested = List.copyOf(nested);
    }
  }

  /** {@code enum Name { a @0; b @1; }}. */
  record Enum(String name, Span nameSpan, List<Enumerant> enumerants, Span span) implements Decl {
    public Enum {
      enumerants = List.copyOf(enumerants);
    }
  }

  /** {@code interface Name { ... }}: kept only as a name (configs hold no capabilities). */
  record Interface(String name, Span nameSpan, List<Decl> nested) implements Decl {
    public Interface {
      nested = List.copyOf(nested);
    }
  }

  /** {@code annotation name(targets) :Type;}: parsed so files using it load; not applied. */
  record Annotation(String name, Span nameSpan, Expr type) implements Decl {}

  /** One enumerant. */
  record Enumerant(String name, Span nameSpan, int ordinal, Span ordinalSpan) {}

  /** A member of a struct, union or group body. */
  sealed interface Member {
    /** The member name ({@code ""} for an unnamed union). */
    String name();

    /** Where the name is. */
    Span nameSpan();
  }

  /** {@code name @ordinal :Type = default;}. */
  record Field(String name, Span nameSpan, int ordinal, Span ordinalSpan, Expr type,
      @Nullable Expr defaultValue) implements Member {}

  /** {@code union { ... }} or {@code name :union @ordinal? { ... }}. */
  record Union(String name, Span nameSpan, @Nullable Integer ordinal, List<Member> members)
      implements Member {
    public Union {
      members = List.copyOf(members);
    }
  }

  /** {@code name :group { ... }}. */
  record Group(String name, Span nameSpan, List<Member> members) implements Member {
    public Group {
      members = List.copyOf(members);
    }
  }
}
