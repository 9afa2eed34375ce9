package dev.stead.dsl.internal;

import dev.stead.dsl.MergeStrategy;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The {@code lookup_options} of data files, as Hiera 5 reads them: a map from a key (or a
 * pattern, written starting with {@code ^}) to that key's options, of which Stead knows
 * {@code merge} (a strategy name, or {@code {strategy: NAME}}). The options of every level
 * a node's lookup reads are combined as a {@code hash} merge (the more specific level wins a
 * key), then the module's beneath them; a key's own entry beats patterns, and among patterns
 * the first that matches wins. Immutable.
 */
final class LookupOptions {
  /** The reserved key holding the options in a data file. */
  static final String KEY = "lookup_options";

  /** One entry: an exact key or a pattern, and the merge strategy it sets. */
  record Option(String key, Pattern pattern, Merge merge) {}

  /** A merge strategy and, for {@code deep}, its options. */
  record Merge(MergeStrategy strategy, DeepOptions deep) {}

  static final LookupOptions NONE = new LookupOptions(Map.of());

  private final Map<String, Option> options;

  private LookupOptions(Map<String, Option> options) {
    this.options = Collections.unmodifiableMap(new LinkedHashMap<>(options));
  }

  boolean isEmpty() {
    return options.isEmpty();
  }

  /**
   * Reads the value of {@code lookup_options} in {@code file}; each problem goes to
   * {@code problems} as a message. {@code module}, when not null, is the only module whose
   * keys these options may name.
   */
  static LookupOptions parse(Object raw, String module, List<String> problems) {
    if (!(raw instanceof Map<?, ?> map)) {
      problems.add(KEY + " must be a map of keys to options like {merge: deep}, got "
          + YamlData.kind(raw));
      return NONE;
    }
    Map<String, Option> out = new LinkedHashMap<>();
    for (Map.Entry<?, ?> e : map.entrySet()) {
      String key = String.valueOf(e.getKey());
      String where = KEY + " for '" + key + "'";
      Pattern pattern = null;
      if (key.startsWith("^")) {
        try {
          pattern = Pattern.compile(key);
        } catch (PatternSyntaxException bad) {
          problems.add(where + ": not a valid pattern: " + bad.getDescription());
          continue;
        }
      }
      if (module != null && !key.startsWith(module + "::")
          && !key.startsWith("^" + module + "::")) {
        problems.add(where + ": module data may only set options of its own keys, '"
            + module + "::...'");
        continue;
      }
      if (!(e.getValue() instanceof Map<?, ?> settings)) {
        problems.add(where + " must be a map like {merge: deep}, got "
            + YamlData.kind(e.getValue()));
        continue;
      }
      Merge merge = null;
      boolean ok = true;
      for (Map.Entry<?, ?> s : settings.entrySet()) {
        String name = String.valueOf(s.getKey());
        if (!name.equals("merge")) {
          problems.add(where + ": unknown option '" + name + "' (Stead knows: merge)");
          ok = false;
          continue;
        }
        Optional<Merge> parsed = strategy(s.getValue(), where, problems);
        ok &= parsed.isPresent();
        merge = parsed.orElse(null);
      }
      if (ok && merge != null) {
        out.put(key, new Option(key, pattern, merge));
      }
    }
    return new LookupOptions(out);
  }

  private static Optional<Merge> strategy(Object value, String where,
      List<String> problems) {
    Object name = value;
    Map<?, ?> settings = Map.of();
    if (value instanceof Map<?, ?> m) {
      settings = m;
      name = m.get("strategy");
    }
    Optional<MergeStrategy> strategy =
        name instanceof String s ? MergeStrategy.parse(s) : Optional.empty();
    if (strategy.isEmpty()) {
      problems.add(where + ": merge must be one of " + MergeStrategy.labels() + ", got "
          + (name instanceof String ? "'" + name + "'" : YamlData.kind(name)));
      return Optional.empty();
    }
    String knockout = null;
    boolean sort = false;
    for (Map.Entry<?, ?> option : settings.entrySet()) {
      Object key = option.getKey();
      Object given = option.getValue();
      if ("strategy".equals(key)) {
        continue;
      }
      boolean deepOption = "knockout_prefix".equals(key) || "sort_merged_arrays".equals(key);
      if (!deepOption) {
        problems.add(where + ": merge option '" + key + "' is not supported (Stead reads "
            + "strategy, and knockout_prefix and sort_merged_arrays for deep)");
        return Optional.empty();
      }
      if (strategy.get() != MergeStrategy.DEEP) {
        problems.add(where + ": merge option '" + key + "' applies to strategy deep only, "
            + "not " + strategy.get().label());
        return Optional.empty();
      }
      if ("knockout_prefix".equals(key)) {
        if (!(given instanceof String prefix) || prefix.isEmpty()) {
          problems.add(where + ": knockout_prefix must be a non-empty text such as '--', got "
              + YamlData.kind(given));
          return Optional.empty();
        }
        knockout = prefix;
      } else {
        if (!(given instanceof Boolean flag)) {
          problems.add(where + ": sort_merged_arrays must be true or false, got "
              + YamlData.kind(given));
          return Optional.empty();
        }
        sort = flag;
      }
    }
    DeepOptions deep = knockout == null && !sort ? DeepOptions.NONE
        : new DeepOptions(knockout, sort);
    return Optional.of(new Merge(strategy.get(), deep));
  }

  /** These options with {@code lower}'s beneath: a key both name takes this one's. */
  LookupOptions over(LookupOptions lower) {
    if (lower.isEmpty()) {
      return this;
    }
    if (isEmpty()) {
      return lower;
    }
    Map<String, Option> out = new LinkedHashMap<>(lower.options);
    out.putAll(options);
    return new LookupOptions(out);
  }

  /** The strategy set for {@code key}: its own entry, else the first pattern that matches it. */
  Optional<Merge> mergeFor(String key) {
    Option own = options.get(key);
    if (own != null && own.pattern() == null) {
      return Optional.of(own.merge());
    }
    for (Option o : options.values()) {
      if (o.pattern() != null && o.pattern().matcher(key).find()) {
        return Optional.of(o.merge());
      }
    }
    return Optional.empty();
  }
}
