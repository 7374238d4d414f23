package dev.capmesh.runner.metrics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict reader of the Prometheus text format (0.0.4) for tests: every line must be a
 * {@code # HELP}/{@code # TYPE} comment or one sample, label values unescaped as the format says.
 * A line it cannot read fails the test, so a label value that broke the format is caught.
 */
final class PromText {
  /** One sample: metric name, labels in order, value. */
  record Sample(String name, Map<String, String> labels, double value) {}

  private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
  private static final Pattern COMMENT = Pattern.compile("# (HELP|TYPE) [a-zA-Z_:][a-zA-Z0-9_:]* .*");

  final List<Sample> samples = new ArrayList<>();

  PromText(String text) {
    if (!text.isEmpty() && !text.endsWith("\n")) {
      throw new AssertionError("the exposition does not end with a newline");
    }
    for (String line : text.split("\n", -1)) {
      if (line.isEmpty()) {
        continue;
      }
      if (line.startsWith("#")) {
        if (!COMMENT.matcher(line).matches()) {
          throw new AssertionError("not a HELP or TYPE line: " + line);
        }
        continue;
      }
      samples.add(sample(line));
    }
  }

  private static Sample sample(String line) {
    Matcher m = NAME.matcher(line);
    if (!m.lookingAt()) {
      throw new AssertionError("no metric name: " + line);
    }
    String name = m.group();
    int i = m.end();
    var labels = new LinkedHashMap<String, String>();
    if (i < line.length() && line.charAt(i) == '{') {
      i++;
      while (line.charAt(i) != '}') {
        Matcher l = LABEL_NAME.matcher(line).region(i, line.length());
        if (!l.lookingAt() || line.charAt(l.end()) != '=' || line.charAt(l.end() + 1) != '"') {
          throw new AssertionError("bad label at " + i + ": " + line);
        }
        var value = new StringBuilder();
        int j = l.end() + 2;
        for (;; j++) {
          char c = line.charAt(j);
          if (c == '"') {
            break;
          }
          if (c == '\\') {
            char e = line.charAt(++j);
            switch (e) {
              case '\\' -> value.append('\\');
              case '"' -> value.append('"');
              case 'n' -> value.append('\n');
              default -> throw new AssertionError("bad escape \\" + e + ": " + line);
            }
          } else {
            value.append(c);
          }
        }
        if (labels.put(l.group(), value.toString()) != null) {
          throw new AssertionError("label repeated: " + line);
        }
        i = j + 1;
        if (line.charAt(i) == ',') {
          i++;
        }
      }
      i++;
    }
    if (line.charAt(i) != ' ') {
      throw new AssertionError("no space before the value: " + line);
    }
    String value = line.substring(i + 1).trim();
    int space = value.indexOf(' ');
    if (space >= 0) {
      value = value.substring(0, space); // a timestamp follows
    }
    double v = switch (value) {
      case "+Inf" -> Double.POSITIVE_INFINITY;
      case "-Inf" -> Double.NEGATIVE_INFINITY;
      case "NaN" -> Double.NaN;
      default -> Double.parseDouble(value);
    };
    return new Sample(name, labels, v);
  }

  /** The value of the one sample {@code name} whose labels include {@code labels}; fails unless exactly one. */
  double value(String name, Map<String, String> labels) {
    List<Sample> found = find(name, labels);
    if (found.size() != 1) {
      throw new AssertionError("expected one sample " + name + labels + ", found " + found);
    }
    return found.get(0).value();
  }

  /** The value of that sample, or 0 when there is none (a series not created yet). */
  double valueOrZero(String name, Map<String, String> labels) {
    List<Sample> found = find(name, labels);
    return found.isEmpty() ? 0 : value(name, labels);
  }

  /** Every sample {@code name} whose labels include {@code labels}. */
  List<Sample> find(String name, Map<String, String> labels) {
    return samples.stream().filter(s -> s.name().equals(name)
        && s.labels().entrySet().containsAll(labels.entrySet())).toList();
  }

  /** Whether any sample has a label with value {@code value}. */
  boolean anyLabelValue(String value) {
    return samples.stream().anyMatch(s -> s.labels().containsValue(value));
  }
}
