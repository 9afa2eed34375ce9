package dev.stead.master.storage;

import dev.stead.master.ca.Certnames;
import dev.stead.proto.v1.Mode;
import dev.stead.proto.v1.NodeClassification;
import dev.stead.proto.v1.NodeInfo;
import java.time.Clock;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What operators set on nodes, as {@code key=value} pairs kept by the master: the node's mode
 * and its environment. Only known keys with valid values are stored, so a typo never
 * becomes a silent no-op. The node itself has no say: nothing here is read from its facts or
 * its requests. Thread-safe (changes are serialized; reads go to the store).
 */
public final class NodeClassifications {
  /** The key that decides whether a node's runs may change it. */
  public static final String MODE = "mode";

  /** The key that decides which environment's code the node's catalogs are compiled from. */
  public static final String ENVIRONMENT = "environment";

  /**
   * Known keys and the problem with a value (null: allowed). A key added here needs nothing
   * else to be stored, shown and validated.
   */
  private static final Map<String, java.util.function.Function<String, String>> KEYS = Map.of(
      MODE, value -> List.of("audit", "enforce").contains(value) ? null
          : MODE + " must be one of audit, enforce, got '" + printable(value) + "'",
      ENVIRONMENT, value -> {
        String problem = dev.stead.master.code.Environments.nameProblem(value);
        return problem == null ? null : ENVIRONMENT + ": " + problem;
      });

  private final Store store;
  private final Clock clock;

  public NodeClassifications(Store store) {
    this(store, Clock.systemUTC());
  }

  public NodeClassifications(Store store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  /**
   * Sets and removes keys of {@code node}'s classification in one step, recording {@code who}
   * did it. Everything is checked first: on any error nothing changes.
   *
   * @throws IllegalArgumentException naming the offending node, key or value
   */
  public synchronized NodeClassification classify(String node, Map<String, String> set,
      Collection<String> unset, String who) {
    String problem = Certnames.problem(node);
    if (problem != null) {
      throw new IllegalArgumentException("cannot classify the node: " + problem);
    }
    if (set.isEmpty() && unset.isEmpty()) {
      throw new IllegalArgumentException("nothing to change: give KEY=VALUE to set or a KEY"
          + " to unset (known: " + known() + ")");
    }
    for (Map.Entry<String, String> e : set.entrySet()) {
      String wrong = rule(e.getKey()).apply(e.getValue());
      if (wrong != null) {
        throw new IllegalArgumentException(wrong);
      }
    }
    for (String key : unset) {
      rule(key);
      if (set.containsKey(key)) {
        throw new IllegalArgumentException("'" + key + "' is both set and unset");
      }
    }
    NodeClassification current = of(node);
    Map<String, String> values = new TreeMap<>(current.getValuesMap());
    values.putAll(set);
    unset.forEach(values::remove);
    NodeClassification updated = NodeClassification.newBuilder()
        .setNode(node)
        .putAllValues(values)
        .setUpdatedAtMs(clock.millis())
        .setUpdatedBy(who)
        .build();
    store.putClassification(updated);
    audit(current, updated);
    return updated;
  }

  /**
   * One audit row per key whose value changed (a mode change is a row of kind {@code mode}),
   * written after the classification: a crash in between loses a row, never the change.
   */
  private void audit(NodeClassification before, NodeClassification after) {
    java.util.Set<String> keys = new java.util.TreeSet<>(before.getValuesMap().keySet());
    keys.addAll(after.getValuesMap().keySet());
    for (String key : keys) {
      String was = shown(key, before.getValuesMap().get(key));
      String now = shown(key, after.getValuesMap().get(key));
      if (!was.equals(now)) {
        store.addDecision(dev.stead.proto.v1.ChangeRecord.newBuilder()
            .setNode(after.getNode())
            .setTimeMs(after.getUpdatedAtMs())
            .setProperty(key)
            .setKind(dev.stead.proto.v1.ChangeKind.DECISION)
            .setDecision(key.equals(MODE) ? "mode" : "classify")
            .setBefore(was)
            .setAfter(now)
            .setActor(after.getUpdatedBy())
            .build());
      }
    }
  }

  /** A key's value as people read it: unset, a mode is enforce, an environment production. */
  private static String shown(String key, String value) {
    if (value == null) {
      return switch (key) {
        case MODE -> "enforce";
        case ENVIRONMENT -> dev.stead.master.code.Environments.PRODUCTION;
        default -> "";
      };
    }
    return value;
  }

  /** {@code node}'s classification; without values (not a default instance) when none. */
  public NodeClassification of(String node) {
    return store.classification(node)
        .orElseGet(() -> NodeClassification.newBuilder().setNode(node).build());
  }

  /** The mode the operator set for {@code node}: AUDIT or ENFORCE (the default). */
  public Mode mode(String node) {
    return modeOf(of(node));
  }

  /**
   * The environment the operator assigned {@code node}, else production. Only the master's
   * record counts: nothing the node sends can change it.
   */
  public String environment(String node) {
    return environmentOf(of(node));
  }

  /** {@code node} with its mode and classification filled in. */
  public NodeInfo describe(NodeInfo node) {
    return describe(node, of(node.getName()));
  }

  /**
   * Every node the store knows, plus those only classified so far (set before their first
   * run), sorted by name, each with its mode and classification.
   */
  public List<NodeInfo> describeAll() {
    Map<String, NodeInfo> byName = new TreeMap<>();
    for (NodeInfo node : store.nodes()) {
      byName.put(node.getName(), node);
    }
    Map<String, NodeClassification> classified = new TreeMap<>();
    for (NodeClassification c : store.classifications()) {
      classified.put(c.getNode(), c);
      byName.putIfAbsent(c.getNode(), NodeInfo.newBuilder().setName(c.getNode()).build());
    }
    return byName.values().stream()
        .map(n -> describe(n, classified.getOrDefault(n.getName(),
            NodeClassification.newBuilder().setNode(n.getName()).build())))
        .toList();
  }

  private static NodeInfo describe(NodeInfo node, NodeClassification classification) {
    return node.toBuilder().setMode(modeOf(classification))
        .setEnvironment(environmentOf(classification))
        .setClassification(classification).build();
  }

  private static String environmentOf(NodeClassification classification) {
    return classification.getValuesMap().getOrDefault(ENVIRONMENT,
        dev.stead.master.code.Environments.PRODUCTION);
  }

  private static Mode modeOf(NodeClassification classification) {
    return "audit".equals(classification.getValuesMap().get(MODE)) ? Mode.AUDIT : Mode.ENFORCE;
  }

  private static java.util.function.Function<String, String> rule(String key) {
    java.util.function.Function<String, String> allowed = KEYS.get(key);
    if (allowed == null) {
      throw new IllegalArgumentException("unknown classification key '" + printable(key)
          + "' (known: " + known() + ")");
    }
    return allowed;
  }

  private static String known() {
    return String.join(", ", new TreeMap<>(KEYS).keySet());
  }

  private static String printable(String text) {
    String cut = text.length() > 80 ? text.substring(0, 80) + "..." : text;
    return cut.replaceAll("\\p{Cntrl}", "?");
  }
}
