package dev.stead.dsl;

import dev.stead.proto.v1.Resource;
import dev.stead.proto.v1.Value;
import dev.stead.wire.Catalogs;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * What one compile may read of the fleet: the resources the nodes of its environment export
 * (and nothing else of their catalogs), and their facts at the paths an operator allows (and
 * no others). A snapshot, immutable and thread-safe; the master builds one per environment
 * from its store, {@code stead apply} compiles with {@link #NONE}.
 *
 * <p>Everything is kept in a stable order (node, then type, then title; facts by node), so
 * that the same fleet gives the same catalog and the same {@link #exportsDigest} and
 * {@link #factsDigest}, which are what the compile cache keys on.
 */
public final class FleetView {
  /** A dotted fact path: {@code networking.ip}, {@code role}. */
  private static final Pattern FACT_PATH = Pattern.compile("[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*");

  /**
   * No fleet: a compile without a master ({@code stead apply}, {@code stead validate}), where
   * {@code collect} finds this node's own exports only and {@code fleetFacts} finds nothing,
   * whatever the path (there is no allowlist to check it against).
   */
  public static final FleetView NONE = new FleetView(Map.of(),
      java.util.Collections.emptySortedMap(), List.of(), "no fleet", true);

  /** One exported resource and the node whose catalog exports it. */
  public record Export(String node, Resource resource) {
    public Export {
      Objects.requireNonNull(node, "node");
      Objects.requireNonNull(resource, "resource");
    }
  }

  private final Map<String, List<Export>> exportsByType;
  private final SortedMap<String, SortedMap<String, Value>> facts;
  private final List<String> allowedFacts;
  private final String allowlist;
  private final boolean anyPath;
  private final Map<String, String> exportDigests = new ConcurrentHashMap<>();
  private volatile String factsDigest;

  private FleetView(Map<String, List<Export>> exportsByType,
      SortedMap<String, SortedMap<String, Value>> facts, List<String> allowedFacts,
      String allowlist, boolean anyPath) {
    this.anyPath = anyPath;
    this.exportsByType = exportsByType;
    this.facts = facts;
    this.allowedFacts = allowedFacts;
    this.allowlist = allowlist;
  }

  /**
   * @param allowlist how an error names the allowlist, e.g. {@code fleet-facts.allow in the
   *     code directory}
   * @param allowedFacts the fact paths code may read of other nodes
   */
  public static Builder builder(String allowlist, List<String> allowedFacts) {
    return new Builder(allowlist, allowedFacts);
  }

  /** Null when {@code path} is a fact path ({@code a.b.c}), else why not. */
  public static String factPathProblem(String path) {
    return FACT_PATH.matcher(path).matches() ? null
        : "'" + path + "' is not a fact path (names of letters, digits, '_' and '-', joined by"
            + " '.')";
  }

  /** The resources of {@code type} the fleet exports, by node, then title. */
  public List<Export> exports(String type) {
    return exportsByType.getOrDefault(type, List.of());
  }

  /**
   * Whether code may read {@code path} of other nodes' facts: an allowed path, or one inside
   * an allowed path's value ({@code networking.ip} when {@code networking} is allowed).
   */
  public boolean allows(String path) {
    return anyPath || allowedFacts.stream()
        .anyMatch(a -> path.equals(a) || path.startsWith(a + "."));
  }

  /** The value at {@code path} (which {@link #allows}) in one node's {@link #facts}, or null. */
  public static Value valueAt(SortedMap<String, Value> nodeFacts, String path) {
    for (Map.Entry<String, Value> fact : nodeFacts.entrySet()) {
      String allowed = fact.getKey();
      if (path.equals(allowed)) {
        return fact.getValue();
      }
      if (path.startsWith(allowed + ".")) {
        Value at = fact.getValue();
        for (String part : path.substring(allowed.length() + 1).split("\\.")) {
          at = at != null && at.hasMapValue() ? at.getMapValue().getEntriesMap().get(part) : null;
        }
        if (at != null) {
          return at;
        }
      }
    }
    return null;
  }

  /** The allowed fact paths, sorted. */
  public List<String> allowedFacts() {
    return allowedFacts;
  }

  /** How errors name the allowlist. */
  public String allowlist() {
    return allowlist;
  }

  /** Each node's facts at the allowed paths it has, by node; a node with none is left out. */
  public SortedMap<String, SortedMap<String, Value>> facts() {
    return facts;
  }

  /** {@code sha256:} over every export of {@code type}: changes exactly when they change. */
  public String exportsDigest(String type) {
    return exportDigests.computeIfAbsent(type, t -> {
      MessageDigest sha = sha256();
      for (Export e : exports(t)) {
        update(sha, e.node());
        update(sha, Catalogs.deterministicBytes(e.resource()));
      }
      return "sha256:" + hex(sha.digest());
    });
  }

  /** {@code sha256:} over every node's allowed facts and the allowlist itself. */
  public String factsDigest() {
    String d = factsDigest;
    if (d == null) {
      MessageDigest sha = sha256();
      update(sha, String.join(",", allowedFacts));
      for (Map.Entry<String, SortedMap<String, Value>> node : facts.entrySet()) {
        update(sha, node.getKey());
        for (Map.Entry<String, Value> fact : node.getValue().entrySet()) {
          update(sha, fact.getKey());
          update(sha, Catalogs.deterministicBytes(fact.getValue()));
        }
      }
      d = "sha256:" + hex(sha.digest());
      factsDigest = d;
    }
    return d;
  }

  private static void update(MessageDigest sha, String text) {
    update(sha, text.getBytes(StandardCharsets.UTF_8));
  }

  private static void update(MessageDigest sha, byte[] bytes) {
    // Length first, so that no two sequences of parts give the same bytes.
    sha.update(java.nio.ByteBuffer.allocate(4).putInt(bytes.length).array());
    sha.update(bytes);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  private static String hex(byte[] bytes) {
    StringBuilder out = new StringBuilder(bytes.length * 2);
    for (byte b : bytes) {
      out.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
    }
    return out.toString();
  }

  /** Collects one environment's exports and facts. Not thread-safe. */
  public static final class Builder {
    private final String allowlist;
    private final List<String> allowedFacts;
    private final Map<String, List<Export>> exports = new TreeMap<>();
    private final SortedMap<String, SortedMap<String, Value>> facts = new TreeMap<>();

    private Builder(String allowlist, List<String> allowedFacts) {
      this.allowlist = Objects.requireNonNull(allowlist, "allowlist");
      for (String path : allowedFacts) {
        String problem = factPathProblem(path);
        if (problem != null) {
          throw new IllegalArgumentException(allowlist + ": " + problem);
        }
      }
      this.allowedFacts = allowedFacts.stream().distinct().sorted().toList();
    }

    /** The resources {@code node}'s latest catalog exports ({@code Catalog.exports}). */
    public Builder exports(String node, List<Resource> resources) {
      for (Resource r : resources) {
        exports.computeIfAbsent(r.getType(), t -> new ArrayList<>()).add(new Export(node, r));
      }
      return this;
    }

    /** {@code node}'s facts, of which only the allowed paths are kept. */
    public Builder facts(String node, Map<String, Value> values) {
      SortedMap<String, Value> kept = new TreeMap<>();
      for (String path : allowedFacts) {
        at(values, path).ifPresent(v -> kept.put(path, v));
      }
      if (!kept.isEmpty()) {
        facts.put(node, kept);
      }
      return this;
    }

    public FleetView build() {
      Map<String, List<Export>> byType = new LinkedHashMap<>();
      exports.forEach((type, list) -> byType.put(type, list.stream()
          .sorted(Comparator.comparing(Export::node)
              .thenComparing(e -> e.resource().getTitle()))
          .toList()));
      SortedMap<String, SortedMap<String, Value>> copy = new TreeMap<>();
      facts.forEach((node, values) ->
          copy.put(node, java.util.Collections.unmodifiableSortedMap(new TreeMap<>(values))));
      return new FleetView(Map.copyOf(byType), java.util.Collections.unmodifiableSortedMap(copy),
          allowedFacts, allowlist, false);
    }

    private static Optional<Value> at(Map<String, Value> values, String path) {
      String[] parts = path.split("\\.");
      Value at = values.get(parts[0]);
      for (int i = 1; i < parts.length && at != null; i++) {
        at = at.hasMapValue() ? at.getMapValue().getEntriesMap().get(parts[i]) : null;
      }
      return Optional.ofNullable(at);
    }
  }
}
