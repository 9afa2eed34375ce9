package dev.stead.dsl;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.yaml.snakeyaml.DumperOptions.ScalarStyle;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * Changes the value of one top-level key of a YAML data file (Hiera style: {@code motd::mode},
 * the {@code ::} part of the key's name) as a person would, by rewriting only the text of
 * that value: comments, key order, quoting elsewhere and every other byte stay as they were.
 * The result is checked by parsing it again; an edit that would not read back as the asked
 * value is refused. Stateless.
 */
public final class DataPatch {
  /** Lines of context around a change in {@link #unifiedDiff}, as {@code diff -u} gives. */
  private static final int CONTEXT = 3;

  /** Why a value cannot be written; the message names the key and file. */
  public static final class Problem extends Exception {
    private static final long serialVersionUID = 1L;

    public Problem(String message) {
      super(message, null, false, false);
    }
  }

  private DataPatch() {}

  /**
   * {@code text} with top-level {@code key} set to {@code value}, written in the type the file
   * has there now (a number stays a number when {@code value} is one, a string is quoted as
   * needed).
   *
   * @param file the file's name, for messages
   * @throws Problem when the file does not parse, lacks the key, holds a list or map there,
   *     or the value cannot be written so that it reads back unchanged
   */
  public static String setValue(String text, String file, String key, String value)
      throws Problem {
    Objects.requireNonNull(value, "value");
    Node root;
    try {
      root = yaml().compose(new StringReader(text));
    } catch (YAMLException e) {
      throw new Problem(file + " is not valid YAML: " + e.getMessage());
    }
    if (!(root instanceof MappingNode mapping)) {
      throw new Problem(file + " is not a mapping of keys to values");
    }
    Node target = null;
    for (NodeTuple tuple : mapping.getValue()) {
      if (tuple.getKeyNode() instanceof ScalarNode k && k.getValue().equals(key)) {
        target = tuple.getValueNode();
      }
    }
    if (target == null) {
      throw new Problem(file + " has no top-level key '" + key + "'");
    }
    if (!(target instanceof ScalarNode scalar)) {
      throw new Problem("'" + key + "' in " + file + " is a "
          + (target instanceof MappingNode ? "map" : "list") + "; accept writes single values");
    }
    Map<?, ?> original = parse(text);
    Object current = original.get(key);
    int start = text.offsetByCodePoints(0, scalar.getStartMark().getIndex());
    int end = text.offsetByCodePoints(0, scalar.getEndMark().getIndex());
    // A block scalar's text runs over the line breaks that end it; those stay the file's.
    while (end > start && (text.charAt(end - 1) == '\n' || text.charAt(end - 1) == '\r')) {
      end--;
    }
    List<String> candidates = new ArrayList<>();
    if (current instanceof Number || current instanceof Boolean) {
      candidates.add(value); // plain: read back as the same kind when it is one
    }
    boolean block = scalar.getScalarStyle() == ScalarStyle.LITERAL
        || scalar.getScalarStyle() == ScalarStyle.FOLDED;
    if (block && value.contains("\n")) {
      candidates.add(literalBlock(value));
    }
    if (scalar.getScalarStyle() == ScalarStyle.PLAIN && !(current instanceof String)) {
      candidates.add(singleQuoted(value));
    } else if (scalar.getScalarStyle() == ScalarStyle.PLAIN && !value.contains("\n")) {
      candidates.add(value);
    }
    if (scalar.getScalarStyle() != ScalarStyle.DOUBLE_QUOTED && !value.contains("\n")
        && value.chars().noneMatch(Character::isISOControl)) {
      candidates.add(singleQuoted(value));
    }
    candidates.add(doubleQuoted(value));
    // A string stays a string; a number or boolean may become a string when the value is
    // no longer one, since the value reaches the resource as text either way.
    boolean stringOnly = current instanceof String || current == null;
    for (String written : candidates) {
      String edited = text.substring(0, start) + written + text.substring(end);
      Map<?, ?> reread;
      try {
        reread = parse(edited);
      } catch (YAMLException e) {
        continue;
      }
      Object readBack = reread.get(key);
      if (!others(reread, key).equals(others(original, key))) {
        continue; // the written text spilled into other keys
      }
      boolean same = stringOnly ? value.equals(readBack)
          : readBack != null && String.valueOf(readBack).equals(value);
      if (same) {
        return edited;
      }
    }
    throw new Problem("cannot write '" + key + "' = " + value + " into " + file
        + " so that it reads back unchanged");
  }

  /**
   * A unified diff from {@code before} to {@code after} of {@code path} (relative, with
   * {@code /}), in the form {@code git apply} takes; empty when they are equal. One hunk:
   * the edits this class makes touch one place.
   */
  public static String unifiedDiff(String path, String before, String after) {
    if (before.equals(after)) {
      return "";
    }
    List<String> a = lines(before);
    List<String> b = lines(after);
    int head = 0;
    while (head < a.size() && head < b.size() && a.get(head).equals(b.get(head))) {
      head++;
    }
    int tail = 0;
    while (tail < a.size() - head && tail < b.size() - head
        && a.get(a.size() - 1 - tail).equals(b.get(b.size() - 1 - tail))) {
      tail++;
    }
    int from = Math.max(0, head - CONTEXT);
    int contextAfter = Math.min(CONTEXT, tail);
    int aEnd = a.size() - tail + contextAfter;
    int bEnd = b.size() - tail + contextAfter;
    StringBuilder out = new StringBuilder()
        .append("diff --git a/").append(path).append(" b/").append(path).append('\n')
        .append("--- a/").append(path).append('\n')
        .append("+++ b/").append(path).append('\n')
        .append("@@ -").append(range(from, aEnd - from)).append(" +")
        .append(range(from, bEnd - from)).append(" @@\n");
    for (int i = from; i < head; i++) {
      line(out, ' ', a.get(i));
    }
    for (int i = head; i < a.size() - tail; i++) {
      line(out, '-', a.get(i));
    }
    for (int i = head; i < b.size() - tail; i++) {
      line(out, '+', b.get(i));
    }
    for (int i = a.size() - tail; i < aEnd; i++) {
      line(out, ' ', a.get(i));
    }
    return out.toString();
  }

  private static String range(int from, int count) {
    // diff -u numbers from 1; an empty range names the line before it.
    return (count == 0 ? from : from + 1) + "," + count;
  }

  private static void line(StringBuilder out, char mark, String line) {
    out.append(mark).append(line);
    if (!line.endsWith("\n")) {
      out.append("\n\\ No newline at end of file\n");
    }
  }

  /** The lines of {@code text}, each with its line break (the last may have none). */
  private static List<String> lines(String text) {
    List<String> out = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) == '\n') {
        out.add(text.substring(start, i + 1));
        start = i + 1;
      }
    }
    if (start < text.length()) {
      out.add(text.substring(start));
    }
    return out;
  }

  private static String singleQuoted(String value) {
    return "'" + value.replace("'", "''") + "'";
  }

  private static String doubleQuoted(String value) {
    StringBuilder out = new StringBuilder("\"");
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\t' -> out.append("\\t");
        case '\r' -> out.append("\\r");
        default -> {
          if (Character.isISOControl(c)) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
  }

  /** A literal block ({@code |}), indented two spaces under a top-level key. */
  private static String literalBlock(String value) {
    String body = value.endsWith("\n") ? value.substring(0, value.length() - 1) : value;
    String chomp = value.endsWith("\n") ? (body.endsWith("\n") ? "+" : "") : "-";
    boolean leadingSpace = value.startsWith(" ");
    StringBuilder out = new StringBuilder("|").append(leadingSpace ? "2" : "").append(chomp);
    for (String line : body.split("\n", -1)) {
      out.append('\n');
      if (!line.isEmpty()) {
        out.append("  ").append(line);
      }
    }
    return out.toString();
  }

  /** {@code data} without {@code key}. */
  private static Map<?, ?> others(Map<?, ?> data, String key) {
    Map<Object, Object> out = new java.util.LinkedHashMap<>(data);
    out.remove(key);
    return out;
  }

  private static Map<?, ?> parse(String text) {
    Object parsed = yaml().load(text);
    return parsed instanceof Map<?, ?> m ? m : Map.of();
  }

  private static Yaml yaml() {
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(false);
    options.setMaxAliasesForCollections(50);
    return new Yaml(new SafeConstructor(options));
  }
}
