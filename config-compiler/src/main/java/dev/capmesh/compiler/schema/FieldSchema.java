package dev.capmesh.compiler.schema;

import dev.capmesh.compiler.eval.Value;
import dev.capmesh.compiler.source.Span;
import org.jspecify.annotations.Nullable;

/**
 * One member of a struct: either a slot (a typed value at an offset) or a group (a nested set of
 * fields sharing the parent's sections; named unions are groups too).
 *
 * <p>Built by the schema loader; its layout and default are filled in before anyone else sees
 * it, after which it does not change.
 */
public final class FieldSchema {
  /** {@link #discriminantValue()} of a field that is not a union member. */
  public static final int NO_DISCRIMINANT = 0xFFFF;

  private final StructSchema owner;
  private final String name;
  private final int codeOrder;
  private final int ordinal;
  private final Span span;
  private final @Nullable TypeRef type;
  private final @Nullable StructSchema group;
  private int discriminantValue = NO_DISCRIMINANT;
  private int offset = -1;
  private @Nullable Value defaultValue;

  FieldSchema(StructSchema owner, String name, int codeOrder, int ordinal, Span span,
      @Nullable TypeRef type, @Nullable StructSchema group) {
    this.owner = owner;
    this.name = name;
    this.codeOrder = codeOrder;
    this.ordinal = ordinal;
    this.span = span;
    this.type = type;
    this.group = group;
  }

  /** The struct (or group) this field belongs to. */
  public StructSchema owner() {
    return owner;
  }

  /** Field name. */
  public String name() {
    return name;
  }

  /** Position among its siblings in the source. */
  public int codeOrder() {
    return codeOrder;
  }

  /** The {@code @N} ordinal; -1 for groups (named unions may carry one for layout only). */
  public int ordinal() {
    return ordinal;
  }

  /** Where the field is declared. */
  public Span span() {
    return span;
  }

  /** Whether this is a group (or named union) rather than a slot. */
  public boolean isGroup() {
    return group != null;
  }

  /** The slot's type; for a group, the group's struct type. */
  public TypeRef type() {
    return group != null ? new TypeRef.Struct(group) : type;
  }

  /** The group's own struct schema, or null for a slot. */
  public @Nullable StructSchema group() {
    return group;
  }

  /** The union discriminant value, or {@link #NO_DISCRIMINANT}. */
  public int discriminantValue() {
    return discriminantValue;
  }

  /** Whether this field is a member of its owner's unnamed union. */
  public boolean isUnionMember() {
    return discriminantValue != NO_DISCRIMINANT;
  }

  /**
   * Slot offset: for data fields in units of the field's own size, for pointer fields the
   * pointer index; -1 for void and groups.
   */
  public int offset() {
    return offset;
  }

  /** The declared default value, or null if none was written. */
  public @Nullable Value defaultValue() {
    return defaultValue;
  }

  void setDiscriminantValue(int value) {
    this.discriminantValue = value;
  }

  void setOffset(int offset) {
    this.offset = offset;
  }

  /** Sets the evaluated default; only the schema loader calls this. */
  public void setDefaultValue(@Nullable Value value) {
    this.defaultValue = value;
  }

  @Override
  public String toString() {
    return owner.qualifiedName() + "." + name;
  }
}
