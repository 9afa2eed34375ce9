package dev.stead.dsl.internal;

import dev.stead.types.ParameterSpec;
import dev.stead.types.Requirement;
import dev.stead.types.ResourceTypeSpec;
import dev.stead.types.ResourceTypes;
import dev.stead.wire.Values;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Checks values against the shared resource type description, plus the few rules the
 * description cannot express (file titles are absolute, normalised paths; {@code file}
 * parameters that contradict {@code ensure}). The value rules, titles' rules and required
 * parameters come from the description, so the agent applies the same ones. Stateless.
 */
final class ResourceRules {
  private ResourceRules() {}

  /** Thrown for a value that does not fit its parameter; the message names the parameter. */
  static final class InvalidValue extends Exception {
    private static final long serialVersionUID = 1L;

    InvalidValue(String message) {
      super(message, null, false, false);
    }
  }

  /** The error for a bad title, or null. */
  static String checkTitle(String type, String title) {
    if (title.isEmpty()) {
      return type + " title must not be empty";
    }
    String problem = ResourceTypes.find(type).map(t -> t.titleRule().problem(title)).orElse(null);
    if (problem != null) {
      return type + " title '" + title + "' " + problem;
    }
    if (type.equals("file")) {
      if (!title.startsWith("/")) {
        return "file path '" + title + "' must be absolute";
      }
      String normal = Path.of(title).normalize().toString();
      if (!normal.equals(title)) {
        return "file path '" + title + "' must be normalised: write '" + normal + "'";
      }
    }
    return null;
  }

  /** The catalog form of {@code value} for parameter {@code p} of {@code key}. */
  /**
   * Names a parameter in an error message; the text is built only for an error (normalizing
   * runs for every parameter of every resource of every compile).
   */
  private record Where(String parameter, String key) {
    @Override
    public String toString() {
      return "parameter '" + parameter + "' of " + key;
    }
  }

  static Object normalize(String key, ParameterSpec p, Object value) throws InvalidValue {
    Where where = new Where(p.name(), key);
    if (value == null) {
      throw new InvalidValue(where + " has no value (leave it out to leave the property alone)");
    }
    if (value instanceof dev.stead.wire.SecretBlob) {
      if (p.kind() != dev.stead.types.ParameterKind.STRING) {
        throw new InvalidValue(where + " cannot be a secret (only string parameters can)");
      }
      return value;
    }
    Object out;
    switch (p.kind()) {
      case STRING:
        if (!(value instanceof CharSequence)) {
          String hint = p.name().equals("mode") && value instanceof Number
              ? " (write the mode as a quoted octal string, e.g. '0644')" : "";
          throw new InvalidValue(where + " must be a string, got " + describe(value) + hint);
        }
        out = value.toString();
        break;
      case BOOLEAN:
        if (!(value instanceof Boolean)) {
          throw new InvalidValue(where + " must be true or false, got " + describe(value));
        }
        out = value;
        break;
      case INTEGER:
        if (value instanceof Integer || value instanceof Long || value instanceof Short
            || value instanceof Byte) {
          out = ((Number) value).longValue();
        } else if (value instanceof BigInteger big && big.bitLength() < 64) {
          out = big.longValue();
        } else {
          throw new InvalidValue(where + " must be an integer, got " + describe(value));
        }
        break;
      case LIST:
        if (!(value instanceof Iterable<?> items)) {
          throw new InvalidValue(where + " must be a list, got " + describe(value));
        }
        out = detached(where, items);
        break;
      case MAP:
        if (!(value instanceof Map<?, ?>)) {
          throw new InvalidValue(where + " must be a map, got " + describe(value));
        }
        out = detached(where, value);
        break;
      default:
        throw new IllegalStateException("unhandled parameter kind " + p.kind());
    }
    if (out instanceof String text) {
      check(where, p, text);
    } else if (out instanceof List<?> items) {
      for (Object item : items) {
        if (item instanceof String text) {
          check(where, p, text);
        }
      }
    }
    return out;
  }

  /** Applies the schema's rule for {@code p}, the same one the agent applies. */
  private static void check(Where where, ParameterSpec p, String value) throws InvalidValue {
    String problem = p.problem(value);
    if (problem != null) {
      throw new InvalidValue(where + " " + problem + ", got '" + value + "'");
    }
  }

  /** The parameters {@code spec} requires that {@code params} lacks, as messages. */
  static List<String> missingRequired(ResourceTypeSpec spec, String key,
      Map<String, Object> params) {
    List<String> out = new ArrayList<>();
    for (ParameterSpec p : spec.parameters()) {
      if (params.containsKey(p.name()) || p.requirement() == Requirement.OPTIONAL) {
        continue;
      }
      if (p.requirement() == Requirement.ALWAYS) {
        out.add(key + " needs parameter '" + p.name() + "'");
      } else if ("present".equals(ensureOf(spec, params))) {
        out.add(key + " needs parameter '" + p.name() + "' when ensure is 'present'");
      }
    }
    return out;
  }

  private static Object ensureOf(ResourceTypeSpec spec, Map<String, Object> params) {
    Object given = params.get("ensure");
    if (given != null) {
      return given;
    }
    return spec.parameter("ensure").map(ParameterSpec::defaultValue).orElse(null);
  }

  /**
   * A list or map as plain data, made now: map keys become their strings and nested lists
   * and maps are copied. The catalog is written after the compile's time limit has ended, so
   * nothing in it may still call into Stead code then (a key's {@code toString()}, an
   * iterator); here the code still runs under its limit. A value the catalog cannot hold (a
   * closure, an object) is refused here, at the line that declared it.
   */
  private static Object detached(Where where, Object value) throws InvalidValue {
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> copy = new java.util.LinkedHashMap<>();
      for (Map.Entry<?, ?> e : map.entrySet()) {
        copy.put(String.valueOf(e.getKey()), detached(where, e.getValue()));
      }
      return copy;
    }
    if (value instanceof Iterable<?> items) {
      List<Object> copy = new ArrayList<>();
      for (Object item : items) {
        copy.add(detached(where, item));
      }
      return copy;
    }
    Object plain = value instanceof CharSequence text ? text.toString() : value;
    try {
      Values.of(plain);
    } catch (IllegalArgumentException | ArithmeticException e) {
      throw new InvalidValue(where + " may hold only strings, numbers, booleans, lists and "
          + "maps, got " + describe(value));
    }
    return plain;
  }

  /** Contradictions between parameters of one resource, as messages. */
  static List<String> crossCheck(String type, String key, Map<String, Object> params) {
    List<String> out = new ArrayList<>();
    if (!type.equals("file")) {
      return out;
    }
    Object ensure = params.get("ensure");
    if (params.containsKey("content") && ensure != null && !ensure.equals("file")) {
      out.add(key + " has content but ensure '" + ensure + "': content needs ensure 'file'");
    }
    if (params.containsKey("target") && ensure != null && !ensure.equals("link")) {
      out.add(key + " has a target but ensure '" + ensure + "': target needs ensure 'link'");
    }
    if ("link".equals(ensure) && !params.containsKey("target")) {
      out.add(key + " has ensure 'link' but no target");
    }
    if (params.containsKey("source") && params.containsKey("content")) {
      out.add(key + " has both source and content: give one of them");
    }
    // A directory's source is a tree to copy: SourceResolver decides once it sees the module.
    if (params.containsKey("source") && ensure != null && !ensure.equals("file")
        && !ensure.equals("directory")) {
      out.add(key + " has a source but ensure '" + ensure + "': source needs ensure 'file'");
    }
    return out;
  }

  static String describe(Object value) {
    if (value == null) {
      return "null";
    }
    // A big list is described by its size: its text could be gigabytes.
    if (value instanceof Collection<?> c && PrintedLength.of(c, 200) > 200) {
      return value.getClass().getSimpleName() + " of " + c.size() + " elements";
    }
    if (value instanceof Map<?, ?> m && PrintedLength.of(m, 200) > 200) {
      return value.getClass().getSimpleName() + " of " + m.size() + " entries";
    }
    String shown = String.valueOf(value);
    if (shown.length() > 40) {
      shown = shown.substring(0, 37) + "...";
    }
    return value.getClass().getSimpleName() + " " + shown;
  }
}
