package dev.stead.master.rollout;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * Which nodes each wave of a rollout adds. The environment's nodes are ordered by a keyed
 * hash (SHA-256 of the rollout id and the node name), so the order is random-looking, the
 * same every time for one rollout (a restarted master picks the same nodes), and unrelated
 * between rollouts (the same few nodes are not always the canary). A node that joins the
 * environment mid-rollout falls into its place in that order. Stateless.
 */
public final class WavePlanner {
  private WavePlanner() {}

  /** {@code nodes} in the order of rollout {@code rolloutId}. */
  public static List<String> order(String rolloutId, Collection<String> nodes) {
    return nodes.stream().distinct()
        .map(n -> new Keyed(key(rolloutId, n), n))
        .sorted(Comparator.comparing(Keyed::key).thenComparing(Keyed::node))
        .map(Keyed::node).toList();
  }

  /**
   * How many of {@code total} nodes the first {@code waves} waves cover together: the canary's
   * share, widened by {@code stepPercent} per further wave, rounded up; at least one node.
   */
  public static int covered(int total, int waves, double canaryPercent, double stepPercent) {
    if (total == 0) {
      return 0;
    }
    double percent = Math.min(100.0, canaryPercent + (waves - 1) * stepPercent);
    // The small allowance keeps 40 x 5% at 2 nodes despite floating-point noise.
    int count = (int) Math.ceil(total * percent / 100.0 - 1e-9);
    return Math.max(1, Math.min(total, count));
  }

  /**
   * The nodes wave number {@code wave} adds: those among the first {@link #covered} of the
   * order that no earlier wave holds (widened further while that is none and nodes remain).
   * Empty once every node is in a wave.
   */
  public static List<String> nextWave(String rolloutId, Collection<String> nodes,
      Set<String> inWaves, int wave, double canaryPercent, double stepPercent) {
    List<String> ordered = order(rolloutId, nodes);
    for (int k = wave; ; k++) {
      int count = covered(ordered.size(), k, canaryPercent, stepPercent);
      List<String> added = ordered.subList(0, count).stream()
          .filter(n -> !inWaves.contains(n)).toList();
      if (!added.isEmpty() || count == ordered.size()) {
        return added;
      }
    }
  }

  private record Keyed(String key, String node) {}

  private static String key(String rolloutId, String node) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      byte[] id = rolloutId.getBytes(StandardCharsets.UTF_8);
      byte[] name = node.getBytes(StandardCharsets.UTF_8);
      byte[] input = Arrays.copyOf(id, id.length + 1 + name.length);
      System.arraycopy(name, 0, input, id.length + 1, name.length);
      return HexFormat.of().formatHex(sha.digest(input));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
