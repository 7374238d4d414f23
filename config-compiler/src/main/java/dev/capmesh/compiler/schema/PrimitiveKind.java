package dev.capmesh.compiler.schema;

/** The built-in Cap'n Proto types, with their encoded sizes. */
public enum PrimitiveKind {
  VOID("Void", 0),
  BOOL("Bool", 1),
  INT8("Int8", 8),
  INT16("Int16", 16),
  INT32("Int32", 32),
  INT64("Int64", 64),
  UINT8("UInt8", 8),
  UINT16("UInt16", 16),
  UINT32("UInt32", 32),
  UINT64("UInt64", 64),
  FLOAT32("Float32", 32),
  FLOAT64("Float64", 64),
  TEXT("Text", -1),
  DATA("Data", -1),
  ANY_POINTER("AnyPointer", -1);

  private final String schemaName;
  private final int bits;

  PrimitiveKind(String schemaName, int bits) {
    this.schemaName = schemaName;
    this.bits = bits;
  }

  /** The name used in schema text ({@code UInt16}, {@code Text}, ...). */
  public String schemaName() {
    return schemaName;
  }

  /** Size in the data section in bits, or -1 for pointer types. */
  public int bits() {
    return bits;
  }

  /** Whether values of this kind live in the pointer section. */
  public boolean isPointer() {
    return bits < 0;
  }

  /** Whether this is one of the signed or unsigned integer kinds. */
  public boolean isInteger() {
    return switch (this) {
      case INT8, INT16, INT32, INT64, UINT8, UINT16, UINT32, UINT64 -> true;
      default -> false;
    };
  }

  /** Whether this is an unsigned integer kind. */
  public boolean isUnsigned() {
    return this == UINT8 || this == UINT16 || this == UINT32 || this == UINT64;
  }

  /** Looks up a kind by its schema name, or returns null. */
  public static PrimitiveKind bySchemaName(String name) {
    for (PrimitiveKind k : values()) {
      if (k.schemaName.equals(name)) {
        return k;
      }
    }
    return null;
  }
}
