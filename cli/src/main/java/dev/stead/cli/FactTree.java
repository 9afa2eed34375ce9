package dev.stead.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Reading a tree of plain facts (maps, lists, strings, numbers, booleans): a dotted path into
 * it, a {@code dotted.path = value} listing, JSON. List elements are addressed by index
 * ({@code processors.models.0}). Stateless.
 */
final class FactTree {
  private FactTree() {}

  /** The value at {@code dotted} in {@code facts}, or null when there is none. */
  static Object at(Map<String, Object> facts, String dotted) {
    Object node = facts;
    for (String key : dotted.split("\\.", -1)) {
      if (node instanceof Map<?, ?> map) {
        node = map.get(key);
      } else if (node instanceof List<?> list && key.matches("\\d{1,9}")
          && Integer.parseInt(key) < list.size()) {
        node = list.get(Integer.parseInt(key));
      } else {
        return null;
      }
      if (node == null) {
        return null;
      }
    }
    return node;
  }

  /**
   * A hint for an unknown path: "; os has: family, name, release" naming the deepest part of
   * {@code dotted} that exists, or "" when not even the first name does.
   */
  static String nearest(Map<String, Object> facts, String dotted) {
    String[] keys = dotted.split("\\.", -1);
    for (int n = keys.length - 1; n > 0; n--) {
      String prefix = String.join(".", Arrays.copyOf(keys, n));
      if (at(facts, prefix) instanceof Map<?, ?> map) {
        return "; " + prefix + " has: " + String.join(", ",
            map.keySet().stream().map(String::valueOf).sorted().toList());
      }
    }
    return "";
  }

  /** One {@code dotted.path = value} line per leaf under {@code prefix}, in key order. */
  static List<String> listing(String prefix, Object value) {
    List<String> lines = new ArrayList<>();
    add(lines, prefix, value);
    return lines;
  }

  private static void add(List<String> lines, String prefix, Object value) {
    String dot = prefix.isEmpty() ? "" : prefix + ".";
    if (value instanceof Map<?, ?> map && !map.isEmpty()) {
      map.forEach((k, v) -> add(lines, dot + k, v));
    } else if (value instanceof List<?> list && !list.isEmpty()) {
      for (int i = 0; i < list.size(); i++) {
        add(lines, dot + i, list.get(i));
      }
    } else {
      lines.add(prefix + " = " + (value instanceof String s ? quote(s) : json(value)));
    }
  }

  /** {@code value} as JSON, maps in their own (key) order. */
  static String json(Object value) {
    StringBuilder out = new StringBuilder();
    write(out, value);
    return out.toString();
  }

  private static void write(StringBuilder out, Object value) {
    if (value instanceof Map<?, ?> map) {
      out.append('{');
      String sep = "";
      for (Map.Entry<?, ?> e : map.entrySet()) {
        out.append(sep).append(quote(String.valueOf(e.getKey()))).append(':');
        write(out, e.getValue());
        sep = ",";
      }
      out.append('}');
    } else if (value instanceof List<?> list) {
      out.append('[');
      String sep = "";
      for (Object v : list) {
        out.append(sep);
        write(out, v);
        sep = ",";
      }
      out.append(']');
    } else if (value instanceof String s) {
      out.append(quote(s));
    } else {
      out.append(value == null ? "null" : String.valueOf(value));
    }
  }

  /** A JSON string literal, which is also how the listing shows strings. */
  static String quote(String s) {
    StringBuilder out = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
  }
}
