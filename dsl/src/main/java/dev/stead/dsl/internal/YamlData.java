package dev.stead.dsl.internal;

import dev.stead.wire.ConfinedFiles;
import java.io.IOException;
import java.io.StringReader;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * Reads one data file with SnakeYAML's SafeConstructor (plain maps, lists and scalars, never
 * arbitrary classes) into immutable values of the language's types: String, Long, Double,
 * Boolean, List, Map with String keys (in file order), and null. Dates become ISO strings.
 * Stateless.
 */
final class YamlData {
  /** A data file that cannot be read or parsed; carries the line when YAML knows it. */
  static final class Problem extends Exception {
    private static final long serialVersionUID = 1L;
    private final int line;

    Problem(String message, int line) {
      super(message, null, false, false);
      this.line = line;
    }

    int line() {
      return line;
    }
  }

  private YamlData() {}

  /**
   * The top-level mapping of {@code file}, read from inside {@code bound} (see
   * {@link ConfinedFiles}); an empty file is an empty map.
   */
  static Map<String, Object> readMap(Path bound, Path file)
      throws Problem, ConfinedFiles.OutsideBound {
    return read(bound, file).values();
  }

  /** A file's top-level mapping and the line (1-based) of each of its keys. */
  record Parsed(Map<String, Object> values, Map<String, Integer> lines) {}

  /** As {@link #readMap}, with the line of each top-level key, for messages about one key. */
  static Parsed read(Path bound, Path file) throws Problem, ConfinedFiles.OutsideBound {
    String text;
    try {
      text = ConfinedFiles.readString(bound, file);
    } catch (ConfinedFiles.OutsideBound e) {
      throw e;
    } catch (IOException e) {
      throw new Problem("cannot read: " + e.getMessage(), 0);
    }
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(false);
    options.setMaxAliasesForCollections(50);
    options.setAllowRecursiveKeys(false);
    Object parsed;
    Node document;
    try {
      // Composed once: the nodes give the values and the lines of the keys.
      DocumentConstructor constructor = new DocumentConstructor(options);
      document = new Yaml(constructor).compose(new StringReader(text));
      parsed = document == null ? null : constructor.construct(document);
    } catch (MarkedYAMLException e) {
      Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
      String problem = e.getProblem() != null ? e.getProblem() : e.getMessage();
      String context = e.getContext() != null ? e.getContext() + ": " : "";
      throw new Problem("invalid YAML: " + context + problem, mark == null ? 0 : mark.getLine() + 1);
    } catch (YAMLException e) {
      throw new Problem("invalid YAML: " + e.getMessage(), 0);
    }
    if (parsed == null) {
      return new Parsed(Map.of(), Map.of());
    }
    if (!(parsed instanceof Map<?, ?>)) {
      throw new Problem("a data file must be a mapping of keys to values, got "
          + kind(parsed), 1);
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> map = (Map<String, Object>) normalize(parsed, "");
    return new Parsed(map, keyLines(document));
  }

  /** SnakeYAML's safe constructor, building the values of a document already composed. */
  private static final class DocumentConstructor extends SafeConstructor {
    DocumentConstructor(LoaderOptions options) {
      super(options);
    }

    Object construct(Node document) {
      return constructDocument(document);
    }
  }

  /** The line of each top-level key, from the document's nodes and their marks. */
  private static Map<String, Integer> keyLines(Node document) {
    Map<String, Integer> lines = new LinkedHashMap<>();
    if (document instanceof MappingNode mapping) {
      for (NodeTuple t : mapping.getValue()) {
        if (t.getKeyNode() instanceof ScalarNode key) {
          lines.putIfAbsent(key.getValue(), key.getStartMark().getLine() + 1);
        }
      }
    }
    return Collections.unmodifiableMap(lines);
  }

  private static Object normalize(Object value, String path) throws Problem {
    if (value == null || value instanceof String || value instanceof Boolean
        || value instanceof Double) {
      return value;
    }
    if (value instanceof Integer || value instanceof Long) {
      return ((Number) value).longValue();
    }
    if (value instanceof BigInteger big) {
      if (big.bitLength() >= 64) {
        throw new Problem("value of '" + path + "' is too large for a 64-bit integer", 0);
      }
      return big.longValue();
    }
    if (value instanceof Date date) {
      return DateTimeFormatter.ISO_INSTANT.format(date.toInstant().atOffset(ZoneOffset.UTC));
    }
    if (value instanceof List<?> list) {
      List<Object> out = new ArrayList<>(list.size());
      for (int i = 0; i < list.size(); i++) {
        out.add(normalize(list.get(i), path + "[" + i + "]"));
      }
      return Collections.unmodifiableList(out);
    }
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> out = new LinkedHashMap<>();
      for (Map.Entry<?, ?> e : map.entrySet()) {
        Object key = e.getKey();
        if (key instanceof Map || key instanceof List || key == null) {
          throw new Problem("keys must be strings or numbers, got " + kind(key)
              + (path.isEmpty() ? "" : " under '" + path + "'"), 0);
        }
        String k = String.valueOf(key);
        out.put(k, normalize(e.getValue(), path.isEmpty() ? k : path + "." + k));
      }
      return Collections.unmodifiableMap(out);
    }
    throw new Problem("value of '" + path + "' has an unsupported type " + kind(value)
        + " (use strings, numbers, booleans, lists and maps)", 0);
  }

  static String kind(Object value) {
    if (value == null) {
      return "null";
    }
    if (value instanceof Map) {
      return "a map";
    }
    if (value instanceof List) {
      return "a list";
    }
    if (value instanceof String) {
      return "a string";
    }
    if (value instanceof Number) {
      return "a number";
    }
    if (value instanceof Boolean) {
      return "a boolean";
    }
    return value.getClass().getSimpleName();
  }
}
