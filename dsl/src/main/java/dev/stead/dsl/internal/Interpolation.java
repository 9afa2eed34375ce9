package dev.stead.dsl.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Hiera's interpolation, {@code %{...}}, in data values and hierarchy paths. An expression is
 * a variable ({@code node}, {@code facts.a.b}, {@code trusted.certname},
 * {@code trusted.extensions.x}, or a top-level fact written {@code ::name} or {@code name},
 * as Hiera reads legacy facts) or a call: {@code lookup('k')}, {@code hiera('k')},
 * {@code alias('k')}, {@code literal('text')}, {@code scope('variable')}. Hierarchy paths
 * also accept the older {@code ${...}} form (variables only, deprecated). Immutable: an
 * instance is one parsed string.
 */
final class Interpolation {
  /** {@code %{...}}; an expression cannot contain a brace. */
  private static final Pattern PERCENT = Pattern.compile("%\\{([^{}]*)}");
  /** The deprecated path form {@code ${...}}. */
  private static final Pattern DOLLAR = Pattern.compile("\\$\\{([^{}]*)}");
  private static final Pattern CALL =
      Pattern.compile("\\s*(lookup|hiera|alias|literal|scope)\\(\\s*(['\"])(.*)\\2\\s*\\)\\s*");
  private static final Pattern VARIABLE = Pattern.compile(
      "node|(?:::)?[a-z][A-Za-z0-9_]*(?:\\.[A-Za-z0-9_-]+)*");

  /** What interpolation reads: the node name, its facts, its trusted data, other keys. */
  interface Context {
    String node();

    Map<String, Object> facts();

    Map<String, Object> trusted();

    /** The value of another key, as {@code lookup('key')} with its lookup options gives it; null when there is none. */
    Object lookup(String key) throws Problem;
  }

  /** An expression that cannot be evaluated; the message says which and why. */
  static final class Problem extends Exception {
    private static final long serialVersionUID = 1L;

    Problem(String message) {
      super(message, null, false, false);
    }
  }

  /** One {@code %{...}}: where it is in the text and what it says. */
  private record Part(int start, int end, String expression) {}

  private final String text;
  private final List<Part> parts;

  private Interpolation(String text, List<Part> parts) {
    this.text = text;
    this.parts = List.copyOf(parts);
  }

  /** True when {@code value} holds a {@code %{...}} anywhere (strings, list items, map keys and values). */
  static boolean needed(Object value) {
    if (value instanceof String s) {
      return s.contains("%{");
    }
    if (value instanceof List<?> list) {
      return list.stream().anyMatch(Interpolation::needed);
    }
    if (value instanceof Map<?, ?> map) {
      return map.entrySet().stream().anyMatch(e -> needed(e.getKey()) || needed(e.getValue()));
    }
    return false;
  }

  /** The {@code %{...}} expressions of a data value. */
  static Interpolation ofValue(String text) {
    return new Interpolation(text, find(PERCENT, text));
  }

  /** The expressions of a hierarchy path: {@code %{...}}, or the older {@code ${...}}. */
  static Interpolation ofPath(String text) {
    List<Part> parts = new ArrayList<>(find(PERCENT, text));
    parts.addAll(find(DOLLAR, text));
    parts.sort((a, b) -> Integer.compare(a.start(), b.start()));
    return new Interpolation(text, parts);
  }

  /** True when a hierarchy path uses the deprecated {@code ${...}} form. */
  static boolean usesDollar(String path) {
    return DOLLAR.matcher(path).find();
  }

  private static List<Part> find(Pattern pattern, String text) {
    List<Part> out = new ArrayList<>();
    Matcher m = pattern.matcher(text);
    while (m.find()) {
      out.add(new Part(m.start(), m.end(), m.group(1).trim()));
    }
    return out;
  }

  /** The variables of a path, for checking them when the hierarchy is read. */
  List<String> expressions() {
    return parts.stream().map(Part::expression).toList();
  }

  /** Whether {@code expression} is a variable a path may use; null when it may, else why not. */
  static String pathProblem(String expression) {
    if (expression.equals("node") || expression.equals("trusted.certname")
        || expression.matches("facts(\\.[A-Za-z0-9_-]+)+")
        || expression.matches("trusted\\.extensions\\.[A-Za-z0-9_.-]+")) {
      return null;
    }
    return "unknown variable %{" + expression + "} (use %{node}, %{facts.NAME...}, "
        + "%{trusted.certname}, %{trusted.extensions.NAME})";
  }

  /**
   * The text with every expression replaced; {@code alias('k')}, which must be the whole
   * text, gives the other key's value itself (a list stays a list).
   */
  Object evaluate(Context context) throws Problem {
    if (parts.isEmpty()) {
      return text;
    }
    StringBuilder out = new StringBuilder();
    int at = 0;
    for (Part part : parts) {
      out.append(text, at, part.start());
      Matcher call = CALL.matcher(part.expression());
      if (call.matches() && call.group(1).equals("alias")) {
        if (parts.size() != 1 || part.start() != 0 || part.end() != text.length()) {
          throw new Problem("%{" + part.expression() + "}: alias must be the whole value ('"
              + text + "'); use lookup to put a value inside a text");
        }
        return context.lookup(call.group(3));
      }
      Object value = expression(part.expression(), call, context);
      if (value instanceof Map || value instanceof List) {
        throw new Problem("%{" + part.expression() + "} is " + YamlData.kind(value)
            + ", which cannot be put inside a text; use %{alias('KEY')} as the whole value");
      }
      out.append(value == null ? "" : String.valueOf(value));
      at = part.end();
    }
    out.append(text, at, text.length());
    return out.toString();
  }

  /**
   * The path for this node. Stricter than a value: a variable that is not set, not a single
   * value, or would leave its directory ({@code /}, {@code ..}) is a problem, and the level is
   * skipped: facts come from the node, and a node must not be able to pick another node's file.
   */
  String evaluatePath(Context context) throws Problem {
    StringBuilder out = new StringBuilder();
    int at = 0;
    for (Part part : parts) {
      out.append(text, at, part.start());
      String name = part.expression();
      Object value = variable(name, context);
      if (value == null) {
        throw new Problem(name + " is not set");
      }
      if (value instanceof Map || value instanceof List) {
        throw new Problem(name + " is not a single value");
      }
      String piece = String.valueOf(value);
      if (piece.isEmpty() || piece.contains("/") || piece.contains("\\") || piece.equals(".")
          || piece.equals("..")) {
        throw new Problem(name + " = '" + piece + "' cannot be part of a file name");
      }
      out.append(piece);
      at = part.end();
    }
    out.append(text, at, text.length());
    return out.toString();
  }

  private static Object expression(String expression, Matcher call, Context context)
      throws Problem {
    if (expression.isEmpty()) {
      return ""; // Hiera's %{} is empty text
    }
    if (call.matches()) {
      String argument = call.group(3);
      return switch (call.group(1)) {
        case "lookup", "hiera" -> context.lookup(argument);
        case "literal" -> argument;
        default -> variable(argument, context); // scope
      };
    }
    return variable(expression, context);
  }

  /** A variable's value, or null when it is not set (Hiera interpolates that as empty text). */
  static Object variable(String name, Context context) throws Problem {
    if (!VARIABLE.matcher(name).matches()) {
      throw new Problem("cannot interpolate %{" + name + "}: use a variable (facts.NAME, "
          + "trusted.certname, node) or lookup('KEY'), alias('KEY'), literal('TEXT')");
    }
    if (name.equals("node")) {
      return context.node();
    }
    String[] parts = (name.startsWith("::") ? name.substring(2) : name).split("\\.");
    Object at;
    int first;
    switch (parts[0]) {
      case "facts" -> {
        at = context.facts();
        first = 1;
      }
      case "trusted" -> {
        at = context.trusted();
        first = 1;
      }
      default -> {
        at = context.facts(); // a top-scope variable: Hiera's legacy facts
        first = 0;
      }
    }
    for (int i = first; i < parts.length && at != null; i++) {
      at = at instanceof Map<?, ?> map ? map.get(parts[i]) : null;
    }
    return at;
  }
}
