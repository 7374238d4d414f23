package dev.capmesh.runner.js;

import io.netty.handler.codec.http.HttpHeaderValidationUtil;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.graalvm.polyglot.Value;
import org.graalvm.polyglot.proxy.ProxyArray;
import org.jspecify.annotations.Nullable;

/**
 * Header fields the host hands to a worker's runtime already checked as the runtime's
 * {@code Headers.append} would check them (web-url.js): names are tokens, lower-cased; values have
 * their surrounding tabs, spaces, CR and LF removed and hold no NUL, CR, LF or character above
 * U+00FF; fields of one name are together, in their order, in the order of each name's first
 * field. JavaScript sees the field lines as a read-only array {@code [name, value, ...]}. The
 * runtime keeps it while the headers are unchanged and hands it back as it is (a request or
 * response passed on untouched), and the host then takes {@link #entries} without reading the
 * array through the polyglot interface.
 */
final class HostHeaders implements ProxyArray {
  private final List<Map.Entry<String, String>> entries;

  private HostHeaders(List<Map.Entry<String, String>> entries) {
    this.entries = entries;
  }

  /** The checked fields, unmodifiable. */
  List<Map.Entry<String, String>> entries() {
    return entries;
  }

  /**
   * {@code fields} checked, or null when one of them would fail the runtime's check: the runtime
   * then checks them itself and raises its own error.
   */
  static @Nullable HostHeaders check(List<Map.Entry<String, String>> fields) {
    int n = fields.size();
    var names = new String[n];
    var values = new String[n];
    boolean unchanged = true;
    for (int i = 0; i < n; i++) {
      var field = fields.get(i);
      String name = field.getKey();
      String value = field.getValue();
      if (name == null || value == null || !isToken(name)) {
        return null;
      }
      String lower = lowerCase(name);
      String trimmed = trim(value);
      if (!isValue(trimmed)) {
        return null;
      }
      names[i] = lower;
      values[i] = trimmed;
      unchanged &= lower.equals(name) && trimmed.equals(value);
    }
    List<Map.Entry<String, String>> checked;
    if (!hasRepeatedName(names)) {
      checked = unchanged ? List.copyOf(fields) : entries(names, values, null);
    } else {
      checked = entries(names, values, grouped(names));
    }
    return new HostHeaders(checked);
  }

  /**
   * The fields a worker's runtime handed to the host: a HostHeaders' entries as they are, else
   * read from the array {@code [name, value, ...]}, where each name must be a token and each value
   * free of NUL, CR, LF and characters above U+00FF. The runtime's Headers never holds anything
   * else; this keeps the host safe from worker code that got something past it.
   *
   * @throws IllegalArgumentException for a field that fails the check (naming only its kind)
   */
  static List<Map.Entry<String, String>> entriesOf(Value flat) {
    if (flat.isProxyObject() && flat.asProxyObject() instanceof HostHeaders h) {
      return h.entries;
    }
    List<Map.Entry<String, String>> out = new ArrayList<>();
    for (long i = 0; i + 1 < flat.getArraySize(); i += 2) {
      String name = flat.getArrayElement(i).asString();
      String value = flat.getArrayElement(i + 1).asString();
      if (!isToken(name)) {
        throw new IllegalArgumentException("a header name that is not a token");
      }
      if (!isValue(value)) {
        throw new IllegalArgumentException("a header value with NUL, CR, LF or a character above U+00FF");
      }
      out.add(Map.entry(name, value));
    }
    return out;
  }

  /** The plain array the runtime checks itself, for fields that {@link #check} refused. */
  static ProxyArray unchecked(List<Map.Entry<String, String>> fields) {
    var flat = new ArrayList<Object>(fields.size() * 2);
    for (var field : fields) {
      flat.add(field.getKey());
      flat.add(field.getValue());
    }
    return ProxyArray.fromList(flat);
  }

  @Override
  public Object get(long index) {
    if (index < 0 || index >= getSize()) {
      throw new ArrayIndexOutOfBoundsException("no header field line " + index);
    }
    var field = entries.get((int) (index >> 1));
    return (index & 1) == 0 ? field.getKey() : field.getValue();
  }

  @Override
  public void set(long index, Value value) {
    throw new UnsupportedOperationException("the host's header fields are read-only");
  }

  @Override
  public long getSize() {
    return 2L * entries.size();
  }

  private static List<Map.Entry<String, String>> entries(String[] names, String[] values, int @Nullable [] order) {
    @SuppressWarnings("unchecked")
    Map.Entry<String, String>[] out = new Map.Entry[names.length];
    for (int i = 0; i < names.length; i++) {
      int from = order == null ? i : order[i];
      out[i] = Map.entry(names[from], values[from]);
    }
    return List.of(out);
  }

  private static boolean hasRepeatedName(String[] names) {
    if (names.length < 2) {
      return false;
    }
    if (names.length <= 8) {
      for (int i = 1; i < names.length; i++) {
        for (int j = 0; j < i; j++) {
          if (names[i].equals(names[j])) {
            return true;
          }
        }
      }
      return false;
    }
    var seen = new java.util.HashSet<String>();
    for (String name : names) {
      if (!seen.add(name)) {
        return true;
      }
    }
    return false;
  }

  /** Field indexes with each name's fields together, names in the order of their first field. */
  private static int[] grouped(String[] names) {
    var byName = new HashMap<String, List<Integer>>();
    var firsts = new ArrayList<String>();
    for (int i = 0; i < names.length; i++) {
      byName.computeIfAbsent(names[i], k -> {
        firsts.add(k);
        return new ArrayList<>();
      }).add(i);
    }
    int[] order = new int[names.length];
    int at = 0;
    for (String name : firsts) {
      for (int i : byName.get(name)) {
        order[at++] = i;
      }
    }
    return order;
  }

  /** RFC 9110 token, the runtime's TOKEN (/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/), as Netty checks it. */
  private static boolean isToken(String name) {
    return !name.isEmpty() && HttpHeaderValidationUtil.validateToken(name) == -1;
  }

  private static String lowerCase(String token) {
    for (int i = 0; i < token.length(); i++) {
      char c = token.charAt(i);
      if (c >= 'A' && c <= 'Z') {
        return token.toLowerCase(Locale.ROOT);
      }
    }
    return token;
  }

  private static boolean isOws(char c) {
    return c == '\t' || c == '\n' || c == '\r' || c == ' ';
  }

  /** The runtime's normalizeValue: surrounding tabs, LF, CR and spaces removed. */
  private static String trim(String value) {
    int from = 0;
    int to = value.length();
    while (from < to && isOws(value.charAt(from))) {
      from++;
    }
    while (to > from && isOws(value.charAt(to - 1))) {
      to--;
    }
    return value.substring(from, to);
  }

  /** The runtime's BAD_VALUE, /[\0\r\n\u0100-\uffff]/, finds nothing. */
  private static boolean isValue(String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == 0 || c == '\r' || c == '\n' || c > 0xff) {
        return false;
      }
    }
    return true;
  }
}
