package dev.stead.agent.resource.firewall;

import dev.stead.agent.resource.InvalidResourceException;
import dev.stead.proto.v1.Value;
import dev.stead.types.Validators;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Renders the {@code chains} parameter (chain name to hook, type, priority, policy and rules)
 * as the body of an nft table. Checks the shape and the closed sets of words here, so a typo
 * names its chain and key; what a rule means is left to nft, which checks it before anything
 * is applied. Stateless.
 */
final class ChainsText {
  private static final Set<String> KEYS = Set.of("hook", "type", "priority", "policy", "rules");
  private static final Set<String> HOOKS = Set.of("prerouting", "input", "forward", "output",
      "postrouting", "ingress");
  private static final Set<String> TYPES = Set.of("filter", "nat", "route");
  private static final Set<String> POLICIES = Set.of("accept", "drop");
  // A number, or a named priority with an optional offset: `filter`, `dstnat - 10`.
  private static final Pattern PRIORITY =
      Pattern.compile("-?\\d+|(raw|mangle|dstnat|filter|security|srcnat|out)( [+-] \\d+)?");

  private ChainsText() {}

  static String render(Value chains) throws InvalidResourceException {
    if (chains.getKindCase() != Value.KindCase.MAP_VALUE) {
      throw new InvalidResourceException("`chains` must be a map of chain name to chain");
    }
    // Regular chains first, as a base chain's `jump` needs its target defined; each group
    // sorted by name (the wire map has no order), so one catalog always gives one text.
    StringBuilder regular = new StringBuilder();
    StringBuilder base = new StringBuilder();
    for (Map.Entry<String, Value> e
        : new TreeMap<>(chains.getMapValue().getEntriesMap()).entrySet()) {
      String text = chain(e.getKey(), e.getValue());
      (e.getValue().getMapValue().containsEntries("hook") ? base : regular).append(text);
    }
    return regular.append(base).toString();
  }

  private static String chain(String name, Value value) throws InvalidResourceException {
    String where = "`chains." + name + "`";
    String problem = Validators.NFT_NAME.problem(name);
    if (problem != null) {
      throw new InvalidResourceException("chain name " + where + " " + problem);
    }
    if (value.getKindCase() != Value.KindCase.MAP_VALUE) {
      throw new InvalidResourceException(where + " must be a map (hook, type, priority,"
          + " policy, rules)");
    }
    Map<String, Value> fields = value.getMapValue().getEntriesMap();
    for (String key : fields.keySet()) {
      if (!KEYS.contains(key)) {
        throw new InvalidResourceException(where + " has unknown key `" + key + "`; known:"
            + " hook, type, priority, policy, rules");
      }
    }
    String hook = word(where, fields, "hook", HOOKS, null);
    String type = word(where, fields, "type", TYPES, "filter");
    String policy = word(where, fields, "policy", POLICIES, null);
    String priority = priority(where, fields.get("priority"));
    if (hook == null && (policy != null || fields.containsKey("type")
        || fields.containsKey("priority"))) {
      throw new InvalidResourceException(where + " sets type, priority or policy without"
          + " `hook`: only base chains have them");
    }
    StringBuilder out = new StringBuilder("\tchain ").append(name).append(" {\n");
    if (hook != null) {
      out.append("\t\ttype ").append(type).append(" hook ").append(hook).append(" priority ")
          .append(priority).append(';');
      if (policy != null) {
        out.append(" policy ").append(policy).append(';');
      }
      out.append('\n');
    }
    for (String rule : rules(where, fields.get("rules"))) {
      out.append("\t\t").append(rule).append('\n');
    }
    return out.append("\t}\n").toString();
  }

  private static String word(String where, Map<String, Value> fields, String key,
      Set<String> allowed, String fallback) throws InvalidResourceException {
    Value v = fields.get(key);
    if (v == null) {
      return fallback;
    }
    if (v.getKindCase() != Value.KindCase.STRING_VALUE || !allowed.contains(v.getStringValue())) {
      throw new InvalidResourceException(where + " `" + key + "` must be one of "
          + String.join(", ", new TreeSet<>(allowed)));
    }
    return v.getStringValue();
  }

  private static String priority(String where, Value v) throws InvalidResourceException {
    if (v == null) {
      return "0";
    }
    String text = switch (v.getKindCase()) {
      case INT_VALUE -> Long.toString(v.getIntValue());
      case STRING_VALUE -> v.getStringValue().strip();
      default -> "";
    };
    if (!PRIORITY.matcher(text).matches()) {
      throw new InvalidResourceException(where + " `priority` must be a number or a name such"
          + " as filter or `dstnat - 10`");
    }
    return text;
  }

  private static List<String> rules(String where, Value v) throws InvalidResourceException {
    if (v == null) {
      return List.of();
    }
    if (v.getKindCase() != Value.KindCase.LIST_VALUE) {
      throw new InvalidResourceException(where + " `rules` must be a list of nft rules");
    }
    List<String> out = new ArrayList<>();
    int n = 0;
    for (Value item : v.getListValue().getValuesList()) {
      n++;
      if (item.getKindCase() != Value.KindCase.STRING_VALUE || item.getStringValue().isBlank()) {
        throw new InvalidResourceException(where + " rule " + n + " must be a non-empty"
            + " string");
      }
      String rule = item.getStringValue().strip();
      if (!oneStatement(rule)) {
        throw new InvalidResourceException(where + " rule " + n + " must be one rule on one"
            + " line, with balanced braces and no `;`, got `" + rule + "`");
      }
      out.add(rule);
    }
    return out;
  }

  /** A rule cannot end its chain early or start another statement ({@code }}, ;, newline). */
  static boolean oneStatement(String rule) {
    return rule.chars().noneMatch(c -> c == '\n' || c == '\r' || c == ';' || c == 0)
        && balanced(rule);
  }

  /**
   * Whether every brace closes one opened before it, and all are closed: text that cannot
   * end the block it is put in (and so cannot reach beyond its table).
   */
  static boolean balanced(String text) {
    int depth = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      depth += c == '{' ? 1 : c == '}' ? -1 : 0;
      if (depth < 0 || c == 0) {
        return false;
      }
    }
    return depth == 0;
  }
}
