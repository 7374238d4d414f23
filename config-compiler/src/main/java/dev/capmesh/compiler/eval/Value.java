package dev.capmesh.compiler.eval;

import static java.util.Objects.requireNonNull;

import dev.capmesh.compiler.schema.EnumSchema;
import dev.capmesh.compiler.schema.TypeRef;
import dev.capmesh.compiler.source.Span;
import java.util.Arrays;
import java.util.List;

/**
 * An evaluated, type-checked constant value, remembering where in the source it was written.
 * Produced by the evaluator; read by the model builder and the binary encoder.
 */
public sealed interface Value
    permits Value.Void, Value.Bool, Value.Int, Value.Float, Value.Text, Value.Data,
        Value.Enumerant, Value.ListValue, StructValue {

  /** Where the value was written (for defaults: where the default was written). */
  Span span();

  /** {@code void}. */
  record Void(Span span) implements Value {}

  /** {@code true} / {@code false}. */
  record Bool(boolean value, Span span) implements Value {}

  /** Any integer type; unsigned 64-bit values are stored as their two's-complement bits. */
  record Int(long value, Span span) implements Value {}

  /** {@code Float32} or {@code Float64}. */
  record Float(double value, Span span) implements Value {}

  /** {@code Text}. */
  record Text(String value, Span span) implements Value {
    public Text {
      requireNonNull(value, "value");
    }
  }

  /** {@code Data}. The array is never modified after construction. */
  record Data(byte[] bytes, Span span) implements Value {
    public Data {
      bytes = bytes.clone();
    }

    /** A copy of the bytes. */
    @Override
    public byte[] bytes() {
      return bytes.clone();
    }

    /** Length without copying. */
    public int length() {
      return bytes.length;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Data d && Arrays.equals(bytes, d.bytes);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
      return "Data[" + bytes.length + " bytes]";
    }
  }

  /** An enum value. */
  record Enumerant(EnumSchema type, int ordinal, String name, Span span) implements Value {}

  /** A list; every element has type {@code elementType}. */
  record ListValue(TypeRef elementType, List<Value> elements, Span span) implements Value {
    public ListValue {
      elements = List.copyOf(elements);
    }
  }
}
