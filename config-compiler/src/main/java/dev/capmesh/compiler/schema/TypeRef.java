package dev.capmesh.compiler.schema;

import static java.util.Objects.requireNonNull;

/** The type of a field, list element or constant. */
public sealed interface TypeRef {

  /** Readable name, as written in schema text ({@code List(Text)}, {@code Worker.Binding}). */
  String displayName();

  /** Size of one value in the data section in bits, or -1 if it is a pointer. */
  int dataBits();

  /** Whether values live in the pointer section. */
  default boolean isPointer() {
    return dataBits() < 0;
  }

  /** A built-in type. */
  record Primitive(PrimitiveKind kind) implements TypeRef {
    public Primitive {
      requireNonNull(kind, "kind");
    }

    @Override public String displayName() {
      return kind.schemaName();
    }

    @Override public int dataBits() {
      return kind.bits();
    }
  }

  /** {@code List(T)}. */
  record ListOf(TypeRef element) implements TypeRef {
    public ListOf {
      requireNonNull(element, "element");
    }

    @Override public String displayName() {
      return "List(" + element.displayName() + ")";
    }

    @Override public int dataBits() {
      return -1;
    }
  }

  /** A struct type. */
  record Struct(StructSchema schema) implements TypeRef {
    public Struct {
      requireNonNull(schema, "schema");
    }

    @Override public String displayName() {
      return schema.qualifiedName();
    }

    @Override public int dataBits() {
      return -1;
    }
  }

  /** An enum type (16 bits on the wire). */
  record Enum(EnumSchema schema) implements TypeRef {
    public Enum {
      requireNonNull(schema, "schema");
    }

    @Override public String displayName() {
      return schema.qualifiedName();
    }

    @Override public int dataBits() {
      return 16;
    }
  }

  /** An interface (capability) type; configs cannot hold capabilities, so always null. */
  record Interface(String qualifiedName) implements TypeRef {
    @Override public String displayName() {
      return qualifiedName;
    }

    @Override public int dataBits() {
      return -1;
    }
  }

  /** Shorthand for a primitive type. */
  static TypeRef of(PrimitiveKind kind) {
    return new Primitive(kind);
  }
}
