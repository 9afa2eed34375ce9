package dev.stead.agent;

import dev.stead.agent.resource.Inspected;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Writes an inspected resource as a Stead declaration that compiles back to it. Stateless. */
final class DslWriter {
  private DslWriter() {}

  /**
   * {@code type('title', key: value, ...)}, one parameter a line; a resource with a note is
   * commented out under it, since declaring it would change the machine.
   */
  static String declaration(Inspected resource) {
    String code = code(resource);
    return resource.note().isEmpty() ? code
        : "// " + resource.note() + "\n// " + code.replace("\n", "\n// ");
  }

  private static String code(Inspected resource) {
    StringBuilder out = new StringBuilder(resource.type()).append('(')
        .append(literal(resource.title()));
    for (Map.Entry<String, Object> e : resource.params().entrySet()) {
      out.append(",\n    ").append(e.getKey()).append(": ").append(literal(e.getValue()));
    }
    return out.append(")").toString();
  }

  /**
   * A Groovy literal: strings single-quoted (no {@code $} interpolation), with
   * {@code \}, {@code '} and control characters escaped.
   */
  static String literal(Object value) {
    if (value instanceof String s) {
      StringBuilder out = new StringBuilder("'");
      for (char c : s.toCharArray()) {
        switch (c) {
          case '\\' -> out.append("\\\\");
          case '\'' -> out.append("\\'");
          case '\n' -> out.append("\\n");
          case '\r' -> out.append("\\r");
          case '\t' -> out.append("\\t");
          default -> {
            if (c < 0x20 || c == 0x7f) {
              out.append(String.format("\\u%04x", (int) c));
            } else {
              out.append(c);
            }
          }
        }
      }
      return out.append('\'').toString();
    }
    if (value instanceof List<?> list) {
      return list.stream().map(DslWriter::literal).collect(Collectors.joining(", ", "[", "]"));
    }
    return String.valueOf(value);
  }
}
