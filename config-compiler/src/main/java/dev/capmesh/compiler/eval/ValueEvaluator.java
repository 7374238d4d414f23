package dev.capmesh.compiler.eval;

import dev.capmesh.compiler.Diagnostics;
import dev.capmesh.compiler.Suggestions;
import dev.capmesh.compiler.ast.Expr;
import dev.capmesh.compiler.schema.EnumSchema;
import dev.capmesh.compiler.schema.FieldSchema;
import dev.capmesh.compiler.schema.PrimitiveKind;
import dev.capmesh.compiler.schema.StructSchema;
import dev.capmesh.compiler.schema.TypeRef;
import dev.capmesh.compiler.source.Span;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * Evaluates value expressions against an expected type, with the reference compiler's rules:
 * literals checked against the type's range, enumerants by bare name, constants by qualified
 * name, {@code embed} for Text and Data, and a string accepted for a struct whose field {@code @0}
 * is Text (workerd's {@code service = "name"} shorthand). Every problem is reported; a failed
 * sub-expression evaluates to null and is left out.
 */
final class ValueEvaluator {
  private static final BigInteger UINT64_MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

  private final Compilation compilation;
  private final Diagnostics diagnostics;

  ValueEvaluator(Compilation compilation, Diagnostics diagnostics) {
    this.compilation = compilation;
    this.diagnostics = diagnostics;
  }

  @Nullable Value evaluate(Expr expr, TypeRef type, Scope scope) {
    return switch (expr) {
      case Expr.Name n -> name(n, type, scope);
      case Expr.AbsoluteName a -> constant(expr, type, scope);
      case Expr.Member m -> constant(expr, type, scope);
      case Expr.Import i -> constant(expr, type, scope);
      case Expr.Apply a -> mismatch(expr, type, null);
      case Expr.Int i -> integer(i, type);
      case Expr.Float f -> floating(f, type);
      case Expr.Str s -> string(s, type);
      case Expr.Binary b -> type instanceof TypeRef.Primitive p && p.kind() == PrimitiveKind.DATA
          ? new Value.Data(b.bytes(), b.span()) : mismatch(expr, type, null);
      case Expr.ListLit l -> list(l, type, scope);
      case Expr.Tuple t -> type instanceof TypeRef.Struct s
          ? struct(t, s.schema(), scope) : mismatch(expr, type, null);
      case Expr.Embed e -> embed(e, type, scope);
      case Expr.Error e -> null;
    };
  }

  private @Nullable Value mismatch(Expr expr, TypeRef type, @Nullable String hint) {
    diagnostics.error(expr.span(), "Type mismatch; expected " + type.displayName() + ".", hint);
    return null;
  }

  private @Nullable Value name(Expr.Name n, TypeRef type, Scope scope) {
    String id = n.name();
    if (type instanceof TypeRef.Enum e) {
      Integer ordinal = e.schema().ordinalOf(id);
      if (ordinal != null) {
        return new Value.Enumerant(e.schema(), ordinal, id, n.span());
      }
      if (!isConstantInScope(id, scope)) {
        diagnostics.error(n.span(), "'" + id + "' is not a value of " + e.schema().qualifiedName() + ".",
            enumHint(id, e.schema()));
        return null;
      }
    } else {
      switch (id) {
        case "void" -> {
          return type instanceof TypeRef.Primitive p && p.kind() == PrimitiveKind.VOID
              ? new Value.Void(n.span()) : mismatch(n, type, null);
        }
        case "true", "false" -> {
          return type instanceof TypeRef.Primitive p && p.kind() == PrimitiveKind.BOOL
              ? new Value.Bool(id.equals("true"), n.span()) : mismatch(n, type, null);
        }
        case "inf", "nan" -> {
          return isFloat(type)
              ? new Value.Float(id.equals("inf") ? Double.POSITIVE_INFINITY : Double.NaN, n.span())
              : mismatch(n, type, null);
        }
        default -> { }
      }
    }
    if (isConstantInScope(id, scope)) {
      diagnostics.error(n.span(), "Constant names must be qualified to avoid confusion. Please replace '"
          + id + "' with '." + id + "', if that's what you intended.", "write '." + id + "'");
      return null;
    }
    String hint = type instanceof TypeRef.Primitive p && p.kind() == PrimitiveKind.TEXT
        ? "text values are quoted: \"" + id + "\"" : null;
    diagnostics.error(n.span(), "Not defined: " + id, hint);
    return null;
  }

  private static @Nullable String enumHint(String id, EnumSchema e) {
    String guess = Suggestions.didYouMean(id, e.enumerants());
    String all = "values of " + e.qualifiedName() + ": " + String.join(", ", e.enumerants());
    return guess != null ? guess + " (" + all + ")" : all;
  }

  private boolean isConstantInScope(String id, Scope scope) {
    for (Scope s = scope; s != null; s = s.parent) {
      if (s.names.get(id) instanceof Symbol.ConstSym) {
        return true;
      }
    }
    return false;
  }

  private @Nullable Value constant(Expr expr, TypeRef type, Scope scope) {
    Symbol sym = compilation.resolve(expr, scope);
    if (sym == null) {
      return null;
    }
    if (!(sym instanceof Symbol.ConstSym c)) {
      diagnostics.error(expr.span(), "'" + text(expr) + "' does not refer to a constant (it is "
          + sym.describe() + ").");
      return null;
    }
    Value v = compilation.constValue(c);
    if (v == null) {
      return null;
    }
    TypeRef actual = c.type;
    if (!actual.equals(type)) {
      // Integer and float constants may be used wherever their value fits.
      if (v instanceof Value.Int i && actual instanceof TypeRef.Primitive && type instanceof TypeRef.Primitive) {
        return integer(new Expr.Int(BigInteger.valueOf(i.value()).abs(), i.value() < 0, expr.span()), type);
      }
      diagnostics.error(expr.span(), "Type mismatch; expected " + type.displayName() + " but '"
          + text(expr) + "' is a constant of type " + actual.displayName() + ".");
      return null;
    }
    return v;
  }

  private static String text(Expr expr) {
    return switch (expr) {
      case Expr.Name n -> n.name();
      case Expr.AbsoluteName a -> "." + a.name();
      case Expr.Member m -> text(m.parent()) + "." + m.name();
      case Expr.Import i -> "import \"" + i.path() + "\"";
      default -> "expression";
    };
  }

  private static boolean isFloat(TypeRef type) {
    return type instanceof TypeRef.Primitive p
        && (p.kind() == PrimitiveKind.FLOAT32 || p.kind() == PrimitiveKind.FLOAT64);
  }

  private @Nullable Value integer(Expr.Int i, TypeRef type) {
    if (!(type instanceof TypeRef.Primitive p)) {
      return mismatch(i, type, type instanceof TypeRef.Enum e ? enumHint("", e.schema()) : null);
    }
    BigInteger value = i.negative() ? i.magnitude().negate() : i.magnitude();
    if (isFloat(type)) {
      return new Value.Float(value.doubleValue(), i.span());
    }
    if (!p.kind().isInteger()) {
      return mismatch(i, type, p.kind() == PrimitiveKind.TEXT ? "text values are quoted: \"" + value + "\"" : null);
    }
    BigInteger min;
    BigInteger max;
    if (p.kind().isUnsigned()) {
      min = BigInteger.ZERO;
      max = p.kind() == PrimitiveKind.UINT64 ? UINT64_MAX : BigInteger.ONE.shiftLeft(p.kind().bits()).subtract(BigInteger.ONE);
    } else {
      max = BigInteger.ONE.shiftLeft(p.kind().bits() - 1).subtract(BigInteger.ONE);
      min = max.negate().subtract(BigInteger.ONE);
    }
    if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
      diagnostics.error(i.span(), "Integer value out of range.",
          p.kind().schemaName() + " holds " + min + " to " + max);
      return null;
    }
    return new Value.Int(value.longValue(), i.span());
  }

  private @Nullable Value floating(Expr.Float f, TypeRef type) {
    return isFloat(type) ? new Value.Float(f.value(), f.span()) : mismatch(f, type, null);
  }

  private @Nullable Value string(Expr.Str s, TypeRef type) {
    switch (type) {
      case TypeRef.Primitive p when p.kind() == PrimitiveKind.TEXT -> {
        if (s.value().indexOf('\0') >= 0) {
          diagnostics.error(s.span(), "Text cannot contain NUL characters.", "use a Data field for binary content");
          return null;
        }
        return new Value.Text(s.value(), s.span());
      }
      case TypeRef.Primitive p when p.kind() == PrimitiveKind.DATA -> {
        return new Value.Data(s.bytes(), s.span());
      }
      case TypeRef.Struct st -> {
        FieldSchema first = shorthandField(st.schema());
        if (first != null) {
          Value text = string(s, first.type());
          return text == null ? null
              : StructValue.builder(st.schema(), s.span()).set(first, text, s.span()).build();
        }
        return mismatch(s, type, null);
      }
      case TypeRef.Enum e -> {
        Integer ordinal = e.schema().ordinalOf(s.value());
        String hint = ordinal != null ? "enum values are written without quotes: " + s.value()
            : enumHint(s.value(), e.schema());
        return mismatch(s, type, hint);
      }
      default -> {
        return mismatch(s, type, null);
      }
    }
  }

  /** The field a bare string fills: field {@code @0}, if it is Text and not in a union. */
  private static @Nullable FieldSchema shorthandField(StructSchema s) {
    for (FieldSchema f : s.fields()) {
      if (!f.isGroup() && f.ordinal() == 0 && !f.isUnionMember()
          && f.type() instanceof TypeRef.Primitive p && p.kind() == PrimitiveKind.TEXT) {
        return f;
      }
    }
    return null;
  }

  private @Nullable Value list(Expr.ListLit l, TypeRef type, Scope scope) {
    if (!(type instanceof TypeRef.ListOf listType)) {
      return mismatch(l, type, null);
    }
    TypeRef element = listType.element();
    if (isQuotedEnumList(l, type)) {
      String rewritten = l.elements().stream().map(x -> ((Expr.Str) x).value())
          .collect(Collectors.joining(", ", "[", "]"));
      diagnostics.error(l.span(), "Type mismatch; expected " + type.displayName()
          + ", but the list holds strings.", "enum values are written without quotes: " + rewritten);
      return null;
    }
    var values = new ArrayList<Value>(l.elements().size());
    boolean ok = true;
    for (Expr e : l.elements()) {
      Value v = evaluate(e, element, scope);
      if (v == null) {
        ok = false;
      } else {
        values.add(v);
      }
    }
    return ok ? new Value.ListValue(element, values, l.span()) : null;
  }

  private static @Nullable String unionHint(FieldSchema first, FieldSchema second) {
    boolean inherit = first.name().equals("inherit") || second.name().equals("inherit");
    return inherit ? "a worker with 'inherit' takes its code from its parent; remove the other one"
        : "remove one of them";
  }

  /** A list of quoted strings where enum values belong: {@code usages = ["sign"]}. */
  private static boolean isQuotedEnumList(Expr expr, TypeRef type) {
    return expr instanceof Expr.ListLit l && type instanceof TypeRef.ListOf lt
        && lt.element() instanceof TypeRef.Enum && !l.elements().isEmpty()
        && l.elements().stream().allMatch(x -> x instanceof Expr.Str);
  }

  StructValue struct(Expr.Tuple t, StructSchema schema, Scope scope) {
    StructValue.Builder builder = StructValue.builder(schema, t.span());
    for (Expr.Param param : t.params()) {
      if (param.name() == null) {
        diagnostics.error(param.span(), "Missing field name.",
            "struct values name each field: (fieldName = value)");
        continue;
      }
      FieldSchema field = schema.field(param.name());
      if (field == null) {
        var names = schema.fields().stream().map(FieldSchema::name).toList();
        diagnostics.error(param.nameSpan(), "Struct " + schema.qualifiedName() + " has no field named '"
            + param.name() + "'.", Suggestions.didYouMean(param.name(), names));
        continue;
      }
      Value v;
      if (field.isGroup()) {
        if (param.value() instanceof Expr.Tuple tuple) {
          v = struct(tuple, field.group(), scope);
        } else if (param.value() instanceof Expr.Str s && shorthandField(field.group()) != null) {
          v = string(s, field.type());
        } else {
          diagnostics.error(param.value().span(), "Type mismatch; expected group.",
              "write " + param.name() + " = (member = value)");
          continue;
        }
      } else if (isQuotedEnumList(param.value(), field.type())) {
        String rewritten = ((Expr.ListLit) param.value()).elements().stream()
            .map(x -> ((Expr.Str) x).value()).collect(Collectors.joining(", ", "[", "]"));
        diagnostics.error(param.value().span(), "Type mismatch; expected " + field.type().displayName()
            + ", but the list holds strings.",
            "enum values are written without quotes: " + param.name() + " = " + rewritten);
        continue;
      } else {
        v = evaluate(param.value(), field.type(), scope);
      }
      if (v == null) {
        continue;
      }
      if (field.isUnionMember()) {
        FieldSchema other = builder.unionMember();
        if (other != null && other != field) {
          {
            // The reference compiler silently keeps the last one; that hides real mistakes,
            // such as a derived worker that also sets code.
            diagnostics.error(param.nameSpan(), "'" + other.name() + "' and '" + field.name()
                + "' are members of the same union in " + schema.qualifiedName()
                + "; only one of them may be set.", unionHint(other, field));
            builder.remove(other);
          }
        }
      }
      builder.set(field, v, param.span());
    }
    return builder.build();
  }

  private @Nullable Value embed(Expr.Embed e, TypeRef type, Scope scope) {
    boolean text = type instanceof TypeRef.Primitive p && p.kind() == PrimitiveKind.TEXT;
    boolean data = type instanceof TypeRef.Primitive p && p.kind() == PrimitiveKind.DATA;
    if (!text && !data) {
      diagnostics.error(e.span(), "'embed' can only produce Text or Data, but " + type.displayName()
          + " is expected here.");
      return null;
    }
    Path file = compilation.locate(e.path(), scope);
    if (file == null) {
      diagnostics.error(e.span(), "Embed failed: " + e.path() + " (no such file)",
          "embed paths are relative to the file that contains them");
      return null;
    }
    if (text) {
      String content = Compilation.readText(file, e.span(), diagnostics, "Embed");
      return content == null ? null : new Value.Text(content, e.span());
    }
    try {
      if (Files.size(file) > Compilation.MAX_FILE_BYTES) {
        diagnostics.error(e.span(), "Embed '" + e.path() + "' is larger than "
            + (Compilation.MAX_FILE_BYTES >> 20) + " MiB.");
        return null;
      }
      return new Value.Data(Files.readAllBytes(file), e.span());
    } catch (IOException ex) {
      diagnostics.error(e.span(), "Embed failed: cannot read '" + e.path() + "' ("
          + Compilation.describe(ex) + ").");
      return null;
    }
  }
}
