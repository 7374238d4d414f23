package dev.capmesh.compiler.eval;

import dev.capmesh.compiler.ast.Decl;
import dev.capmesh.compiler.schema.EnumSchema;
import dev.capmesh.compiler.schema.PrimitiveKind;
import dev.capmesh.compiler.schema.StructSchema;
import dev.capmesh.compiler.schema.TypeRef;
import org.jspecify.annotations.Nullable;

/** What a name in a scope stands for. Mutable only in its lazily computed parts. */
abstract sealed class Symbol {

  /** A human description for errors ("struct Worker", "constant config"). */
  abstract String describe();

  /** A struct declaration; its schema and member scope are built on first use. */
  static final class StructSym extends Symbol {
    final Decl.Struct decl;
    final Scope scope;
    final String qualifiedName;
    @Nullable StructSchema schema;
    @Nullable Scope members;

    StructSym(Decl.Struct decl, Scope scope, String qualifiedName) {
      this.decl = decl;
      this.scope = scope;
      this.qualifiedName = qualifiedName;
    }

    @Override String describe() {
      return "struct " + qualifiedName;
    }
  }

  /** An enum declaration. */
  static final class EnumSym extends Symbol {
    final EnumSchema schema;

    EnumSym(EnumSchema schema) {
      this.schema = schema;
    }

    @Override String describe() {
      return "enum " + schema.qualifiedName();
    }
  }

  /** A constant; its value is evaluated on first use. */
  static final class ConstSym extends Symbol {
    enum State { NEW, EVALUATING, DONE }

    final Decl.Const decl;
    final Scope scope;
    final String qualifiedName;
    State state = State.NEW;
    @Nullable TypeRef type;
    @Nullable Value value;

    ConstSym(Decl.Const decl, Scope scope, String qualifiedName) {
      this.decl = decl;
      this.scope = scope;
      this.qualifiedName = qualifiedName;
    }

    @Override String describe() {
      return "constant " + qualifiedName;
    }
  }

  /** {@code using X = target;}: resolved on first use. */
  static final class UsingSym extends Symbol {
    final Decl.Using decl;
    final Scope scope;
    boolean resolving;
    @Nullable Symbol target;

    UsingSym(Decl.Using decl, Scope scope) {
      this.decl = decl;
      this.scope = scope;
    }

    @Override String describe() {
      return "alias " + decl.name();
    }
  }

  /** An imported file. */
  static final class FileSym extends Symbol {
    final Scope top;

    FileSym(Scope top) {
      this.top = top;
    }

    @Override String describe() {
      return "file \"" + top.source().path() + "\"";
    }
  }

  /** A built-in type name ({@code Text}, {@code UInt32}, ...), or {@code List} when kind is null. */
  static final class BuiltinSym extends Symbol {
    final @Nullable PrimitiveKind kind;

    BuiltinSym(@Nullable PrimitiveKind kind) {
      this.kind = kind;
    }

    @Override String describe() {
      return "built-in type " + (kind == null ? "List" : kind.schemaName());
    }
  }

  /** An interface or annotation: it exists, but cannot be used as a config value. */
  static final class OtherSym extends Symbol {
    final String what;
    final String name;

    OtherSym(String what, String name) {
      this.what = what;
      this.name = name;
    }

    @Override String describe() {
      return what + " " + name;
    }
  }
}
