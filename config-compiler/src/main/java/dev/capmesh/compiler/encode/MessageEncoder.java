package dev.capmesh.compiler.encode;

import dev.capmesh.compiler.eval.StructValue;
import dev.capmesh.compiler.eval.Value;
import dev.capmesh.compiler.schema.FieldSchema;
import dev.capmesh.compiler.schema.PrimitiveKind;
import dev.capmesh.compiler.schema.StructSchema;
import dev.capmesh.compiler.schema.TypeRef;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.capnproto.Data;
import org.capnproto.DataList;
import org.capnproto.ListList;
import org.capnproto.MessageBuilder;
import org.capnproto.PrimitiveList;
import org.capnproto.Serialize;
import org.capnproto.StructList;
import org.capnproto.Text;
import org.capnproto.TextList;

/**
 * Writes an evaluated struct value as a Cap'n Proto message (standard framing with a segment
 * table) using the capnproto-java runtime. Only explicitly set fields are written; everything
 * else stays zero, which the format defines as "the default".
 *
 * <p>Not thread-safe; create one per message.
 */
public final class MessageEncoder {
  private final Map<StructSchema, DynamicStruct.Factory> factories = new HashMap<>();

  private MessageEncoder() {}

  /** Encodes {@code root} as a whole message. */
  public static byte[] encode(StructValue root) {
    var encoder = new MessageEncoder();
    var message = new MessageBuilder(64 * 1024);
    DynamicStruct builder = message.initRoot(encoder.factory(root.type()));
    encoder.writeStruct(builder, root);
    long words = Serialize.computeSerializedSizeInWords(message);
    if (words > Integer.MAX_VALUE / 8) {
      throw new IllegalArgumentException("config: " + words * 8 + " bytes encoded (expected: < 2 GiB)");
    }
    var out = new ByteArrayOutputStream((int) (words * 8));
    try {
      Serialize.write(Channels.newChannel(out), message);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private DynamicStruct.Factory factory(StructSchema type) {
    StructSchema top = type.top();
    return factories.computeIfAbsent(top,
        t -> new DynamicStruct.Factory(t.dataWordCount(), t.pointerCount()));
  }

  private void writeStruct(DynamicStruct builder, StructValue value) {
    for (var entry : value.fields().entrySet()) {
      FieldSchema field = entry.getKey();
      Value v = entry.getValue();
      if (field.isUnionMember()) {
        StructSchema owner = field.owner();
        builder.setShort(owner.discriminantOffset(), (short) field.discriminantValue());
      }
      if (field.isGroup()) {
        writeStruct(builder, (StructValue) v);
      } else {
        writeSlot(builder, field, v);
      }
    }
  }

  private void writeSlot(DynamicStruct builder, FieldSchema field, Value v) {
    TypeRef type = field.type();
    int offset = field.offset();
    Value def = field.defaultValue();
    switch (type) {
      case TypeRef.Primitive p -> writePrimitive(builder, p.kind(), offset, v, def);
      case TypeRef.Enum e -> {
        int mask = def instanceof Value.Enumerant d ? d.ordinal() : 0;
        builder.setShort(offset, (short) (((Value.Enumerant) v).ordinal() ^ mask));
      }
      case TypeRef.Struct s -> {
        StructValue sv = (StructValue) v;
        DynamicStruct child = builder.initPointer(factory(s.schema()), offset, 0);
        writeStruct(child, sv);
      }
      case TypeRef.ListOf l -> writeList(builder, offset, l.element(), (Value.ListValue) v);
      case TypeRef.Interface i -> {
        // Capabilities cannot be written in a config; the pointer stays null.
      }
    }
  }

  private static void writePrimitive(DynamicStruct b, PrimitiveKind kind, int offset, Value v,
      Value def) {
    switch (kind) {
      case VOID -> { }
      case BOOL -> {
        boolean mask = def instanceof Value.Bool d && d.value();
        b.setBool(offset, ((Value.Bool) v).value() ^ mask);
      }
      case INT8, UINT8 -> b.setByte(offset, (byte) (bits(v) ^ bits(def)));
      case INT16, UINT16 -> b.setShort(offset, (short) (bits(v) ^ bits(def)));
      case INT32, UINT32 -> b.setInt(offset, (int) (bits(v) ^ bits(def)));
      case INT64, UINT64 -> b.setLong(offset, bits(v) ^ bits(def));
      case FLOAT32 -> b.setInt(offset, Float.floatToRawIntBits((float) number(v))
          ^ (def == null ? 0 : Float.floatToRawIntBits((float) number(def))));
      case FLOAT64 -> b.setLong(offset, Double.doubleToRawLongBits(number(v))
          ^ (def == null ? 0 : Double.doubleToRawLongBits(number(def))));
      case TEXT -> b.setPointer(Text.factory, offset, new Text.Reader(((Value.Text) v).value()));
      case DATA -> b.setPointer(Data.factory, offset, new Data.Reader(((Value.Data) v).bytes()));
      case ANY_POINTER -> { }
    }
  }

  private static long bits(Value v) {
    return v instanceof Value.Int i ? i.value() : 0;
  }

  private static double number(Value v) {
    return switch (v) {
      case Value.Float f -> f.value();
      case Value.Int i -> i.value();
      default -> 0;
    };
  }

  private void writeList(DynamicStruct builder, int index, TypeRef element, Value.ListValue list) {
    List<Value> items = list.elements();
    int n = items.size();
    switch (element) {
      case TypeRef.Struct s -> {
        StructList.Builder<DynamicStruct> out =
            builder.initPointer(new StructList.Factory<>(factory(s.schema())), index, n);
        for (int i = 0; i < n; i++) {
          writeStruct(out.get(i), (StructValue) items.get(i));
        }
      }
      case TypeRef.ListOf inner -> {
        ListList.Builder<?> out = builder.initPointer(listOfListsFactory(inner.element()), index, n);
        for (int i = 0; i < n; i++) {
          fillNested(out, i, inner.element(), (Value.ListValue) items.get(i));
        }
      }
      case TypeRef.Enum e -> {
        PrimitiveList.Short.Builder out = builder.initPointer(PrimitiveList.Short.factory, index, n);
        for (int i = 0; i < n; i++) {
          out.set(i, (short) ((Value.Enumerant) items.get(i)).ordinal());
        }
      }
      case TypeRef.Primitive p -> writePrimitiveList(builder, index, p.kind(), items);
      case TypeRef.Interface i -> builder.initPointer(PrimitiveList.Void.factory, index, 0);
    }
  }

  private void writePrimitiveList(DynamicStruct builder, int index, PrimitiveKind kind,
      List<Value> items) {
    int n = items.size();
    switch (kind) {
      case VOID -> builder.initPointer(PrimitiveList.Void.factory, index, n);
      case BOOL -> {
        PrimitiveList.Boolean.Builder out = builder.initPointer(PrimitiveList.Boolean.factory, index, n);
        for (int i = 0; i < n; i++) {
          out.set(i, ((Value.Bool) items.get(i)).value());
        }
      }
      case INT8, UINT8 -> {
        PrimitiveList.Byte.Builder out = builder.initPointer(PrimitiveList.Byte.factory, index, n);
        for (int i = 0; i < n; i++) {
          out.set(i, (byte) bits(items.get(i)));
        }
      }
      case INT16, UINT16 -> {
        PrimitiveList.Short.Builder out = builder.initPointer(PrimitiveList.Short.factory, index, n);
        for (int i = 0; i < n; i++) {
          out.set(i, (short) bits(items.get(i)));
        }
      }
      case INT32, UINT32 -> {
        PrimitiveList.Int.Builder out = builder.initPointer(PrimitiveList.Int.factory, index, n);
        for (int i = 0; i < n; i++) {
          out.set(i, (int) bits(items.get(i)));
        }
      }
      case INT64, UINT64 -> {
        PrimitiveList.Long.Builder out = builder.initPointer(PrimitiveList.Long.factory, index, n);
        for (int i = 0; i < n; i++) {
          out.set(i, bits(items.get(i)));
        }
      }
      case FLOAT32 -> {
        PrimitiveList.Float.Builder out = builder.initPointer(PrimitiveList.Float.factory, index, n);
        for (int i = 0; i < n; i++) {
          out.set(i, (float) number(items.get(i)));
        }
      }
      case FLOAT64 -> {
        PrimitiveList.Double.Builder out = builder.initPointer(PrimitiveList.Double.factory, index, n);
        for (int i = 0; i < n; i++) {
          out.set(i, number(items.get(i)));
        }
      }
      case TEXT -> {
        TextList.Builder out = builder.initPointer(TextList.factory, index, n);
        for (int i = 0; i < n; i++) {
          out.set(i, new Text.Reader(((Value.Text) items.get(i)).value()));
        }
      }
      case DATA -> {
        DataList.Builder out = builder.initPointer(DataList.factory, index, n);
        for (int i = 0; i < n; i++) {
          out.set(i, new Data.Reader(((Value.Data) items.get(i)).bytes()));
        }
      }
      case ANY_POINTER -> builder.initPointer(PrimitiveList.Void.factory, index, 0);
    }
  }

  // Lists of lists go through the runtime's ListList with the element list's own factory.

  @SuppressWarnings({"rawtypes", "unchecked"})
  private org.capnproto.ListFactory listFactory(TypeRef element) {
    return switch (element) {
      case TypeRef.Struct s -> new StructList.Factory<>(factory(s.schema()));
      case TypeRef.ListOf l -> new ListList.Factory(listFactory(l.element()));
      case TypeRef.Enum e -> PrimitiveList.Short.factory;
      case TypeRef.Interface i -> PrimitiveList.Void.factory;
      case TypeRef.Primitive p -> switch (p.kind()) {
        case VOID, ANY_POINTER -> PrimitiveList.Void.factory;
        case BOOL -> PrimitiveList.Boolean.factory;
        case INT8, UINT8 -> PrimitiveList.Byte.factory;
        case INT16, UINT16 -> PrimitiveList.Short.factory;
        case INT32, UINT32 -> PrimitiveList.Int.factory;
        case INT64, UINT64 -> PrimitiveList.Long.factory;
        case FLOAT32 -> PrimitiveList.Float.factory;
        case FLOAT64 -> PrimitiveList.Double.factory;
        case TEXT -> TextList.factory;
        case DATA -> DataList.factory;
      };
    };
  }

  @SuppressWarnings({"rawtypes", "unchecked"})
  private ListList.Factory<?, ?> listOfListsFactory(TypeRef innerElement) {
    return new ListList.Factory(listFactory(innerElement));
  }

  private void fillNested(ListList.Builder<?> out, int i, TypeRef element, Value.ListValue list) {
    List<Value> items = list.elements();
    int n = items.size();
    Object child = out.init(i, n);
    switch (element) {
      case TypeRef.Struct s -> {
        @SuppressWarnings("unchecked")
        var structs = (StructList.Builder<DynamicStruct>) child;
        for (int k = 0; k < n; k++) {
          writeStruct(structs.get(k), (StructValue) items.get(k));
        }
      }
      case TypeRef.ListOf l -> {
        var lists = (ListList.Builder<?>) child;
        for (int k = 0; k < n; k++) {
          fillNested(lists, k, l.element(), (Value.ListValue) items.get(k));
        }
      }
      case TypeRef.Enum e -> {
        var shorts = (PrimitiveList.Short.Builder) child;
        for (int k = 0; k < n; k++) {
          shorts.set(k, (short) ((Value.Enumerant) items.get(k)).ordinal());
        }
      }
      case TypeRef.Primitive p -> fillPrimitive(child, p.kind(), items);
      case TypeRef.Interface x -> { }
    }
  }

  private static void fillPrimitive(Object child, PrimitiveKind kind, List<Value> items) {
    int n = items.size();
    for (int k = 0; k < n; k++) {
      Value v = items.get(k);
      switch (kind) {
        case BOOL -> ((PrimitiveList.Boolean.Builder) child).set(k, ((Value.Bool) v).value());
        case INT8, UINT8 -> ((PrimitiveList.Byte.Builder) child).set(k, (byte) bits(v));
        case INT16, UINT16 -> ((PrimitiveList.Short.Builder) child).set(k, (short) bits(v));
        case INT32, UINT32 -> ((PrimitiveList.Int.Builder) child).set(k, (int) bits(v));
        case INT64, UINT64 -> ((PrimitiveList.Long.Builder) child).set(k, bits(v));
        case FLOAT32 -> ((PrimitiveList.Float.Builder) child).set(k, (float) number(v));
        case FLOAT64 -> ((PrimitiveList.Double.Builder) child).set(k, number(v));
        case TEXT -> ((TextList.Builder) child).set(k, new Text.Reader(((Value.Text) v).value()));
        case DATA -> ((DataList.Builder) child).set(k, new Data.Reader(((Value.Data) v).bytes()));
        case VOID, ANY_POINTER -> { }
      }
    }
  }
}
