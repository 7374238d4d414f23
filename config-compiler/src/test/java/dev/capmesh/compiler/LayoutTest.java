package dev.capmesh.compiler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.capmesh.compiler.schema.FieldSchema;
import dev.capmesh.compiler.schema.StructSchema;
import dev.capmesh.compiler.schema.TypeRef;
import dev.capmesh.compiler.source.Source;
import java.nio.file.Path;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Our layout of every struct reachable from {@code Config} equals the reference compiler's
 * ({@code capnp compile -ocapnp}, listed by scripts/schema-layout.sh): same data offsets, pointer
 * indexes, section sizes, union tags and discriminant offsets.
 */
class LayoutTest {

  @Test
  void layoutMatchesTheReferenceCompiler() throws Exception {
    ParsedConfig parsed = ConfigCompiler.create().parse(
        Source.of("layout.capnp", "using W = import \"/capmesh/capmesh.capnp\";\nconst c :W.Config = ();\n"),
        Path.of("."), null);
    var visited = new IdentityHashMap<StructSchema, Boolean>();
    var ours = new TreeSet<String>();
    collect(parsed.config().type(), visited, ours);

    Path script = Path.of("..", "scripts", "schema-layout.sh").toAbsolutePath().normalize();
    String listing = CapnpTool.run(List.of("bash", script.toString(), CapnpTool.schema().toString()), new byte[0]);
    Set<String> structs = new TreeSet<>();
    for (StructSchema s : visited.keySet()) {
      structs.add(s.qualifiedName());
    }
    var reference = new TreeSet<String>();
    for (String line : listing.split("\n")) {
      String normalized = normalize(line);
      if (normalized != null && structs.contains(owner(normalized, structs))) {
        reference.add(normalized);
      }
    }
    assertThat(reference).hasSizeGreaterThan(250);
    assertThat(ours).containsExactlyElementsOf(reference);
  }

  /** The struct a listing line belongs to: the longest prefix of its path that names one. */
  private static String owner(String line, Set<String> structs) {
    String path = line.substring(0, line.indexOf(' '));
    while (!structs.contains(path) && path.lastIndexOf('.') > 0) {
      path = path.substring(0, path.lastIndexOf('.'));
    }
    return path;
  }

  /** Drops types and defaults from field lines and skips enums; null for lines not compared. */
  private static String normalize(String line) {
    if (line.contains(" enum")) {
      return null;
    }
    int field = line.indexOf(" field ");
    if (field < 0) {
      return line;
    }
    int colon = line.indexOf(" :", field);
    int bar = line.indexOf(" | ", colon);
    return line.substring(0, colon) + line.substring(bar);
  }

  private static void collect(StructSchema s, Map<StructSchema, Boolean> visited, Set<String> out) {
    if (visited.put(s, true) != null) {
      return;
    }
    out.add(s.qualifiedName() + " struct " + s.dataWordCount() * 8 + " bytes, " + s.pointerCount() + " ptrs");
    members(s, s.qualifiedName(), visited, out);
  }

  private static void members(StructSchema s, String path, Map<StructSchema, Boolean> visited, Set<String> out) {
    if (s.discriminantCount() > 0) {
      int bit = s.discriminantOffset() * 16;
      out.add(path + ".(union) union tag bits [" + bit + ", " + (bit + 16) + ")");
    }
    for (FieldSchema f : s.fields()) {
      String at = f.isUnionMember() ? path + ".(union)" : path;
      String tag = f.isUnionMember() ? ", union tag = " + f.discriminantValue() : "";
      if (f.isGroup()) {
        String groupPath = at + "." + f.name();
        out.add(groupPath + " group" + (f.isUnionMember() ? " union tag = " + f.discriminantValue() : ""));
        members(f.group(), groupPath, visited, out);
        continue;
      }
      out.add(at + " field " + f.name() + " @" + f.ordinal() + " | " + layout(f) + tag);
      visitType(f.type(), visited, out);
    }
  }

  private static void visitType(TypeRef type, Map<StructSchema, Boolean> visited, Set<String> out) {
    switch (type) {
      case TypeRef.Struct st -> collect(st.schema(), visited, out);
      case TypeRef.ListOf l -> visitType(l.element(), visited, out);
      default -> { }
    }
  }

  private static String layout(FieldSchema f) {
    TypeRef t = f.type();
    if (t.isPointer()) {
      return "ptr[" + f.offset() + "]";
    }
    int bits = t.dataBits();
    if (bits == 0) {
      return "bits[0, 0)";
    }
    long start = (long) f.offset() * bits;
    return "bits[" + start + ", " + (start + bits) + ")";
  }

}
