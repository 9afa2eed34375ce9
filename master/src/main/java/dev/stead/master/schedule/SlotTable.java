package dev.stead.master.schedule;

import dev.stead.proto.v1.RunSlot;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.Objects;

/**
 * The run slots of one set of nodes: the nodes in the order of a hash of their names, the node
 * of rank {@code r} among {@code n} placed {@code r/n} of the way into the run interval. The
 * spread is even whatever the names (ranks, not hash values, place the nodes), and the hash
 * only shuffles them, so nodes with neighbouring names (web01, web02: often one role, one
 * package mirror) do not run back to back. It is a function of the set alone, so every master
 * that reads the same node list assigns the same slots, and a restart changes nothing.
 *
 * <p>When a node joins or leaves, the nodes after it in hash order each move by less than one
 * slot width ({@code interval/n}): every node keeps its neighbours and roughly its place,
 * which a consistent-hashing ring would not give with an even spread. Immutable.
 */
public final class SlotTable {
  /** Offsets are fractions of the interval in these units. */
  public static final long PPM = 1_000_000L;

  private static final Comparator<Entry> ORDER =
      Comparator.comparingLong((Entry e) -> e.key).thenComparing(e -> e.name);
  private static final SlotTable EMPTY = new SlotTable(new Entry[0]);

  private final Entry[] entries;

  private record Entry(long key, String name) {}

  private SlotTable(Entry[] entries) {
    this.entries = entries;
  }

  public static SlotTable empty() {
    return EMPTY;
  }

  /** The slots of {@code names} (duplicates count once). */
  public static SlotTable of(Collection<String> names) {
    Entry[] entries = new LinkedHashSet<>(names).stream()
        .map(n -> new Entry(key(Objects.requireNonNull(n, "node name")), n))
        .sorted(ORDER).toArray(Entry[]::new);
    return new SlotTable(entries);
  }

  /** How many nodes share the interval. */
  public int size() {
    return entries.length;
  }

  public boolean contains(String node) {
    return Arrays.binarySearch(entries, new Entry(key(node), node), ORDER) >= 0;
  }

  /**
   * The slot of {@code node}. A node not in the table gets the slot it would have were it
   * added (its place among the others, one more node in all): what the next table built with
   * it will give it, up to the other nodes that joined or left meanwhile.
   */
  public RunSlot slotOf(String node) {
    int at = Arrays.binarySearch(entries, new Entry(key(node), node), ORDER);
    long rank = at >= 0 ? at : -at - 1;
    long nodes = at >= 0 ? entries.length : entries.length + 1L;
    return RunSlot.newBuilder()
        .setOffsetPpm((int) (rank * PPM / nodes))
        .setRank((int) rank)
        .setNodes((int) nodes)
        .build();
  }

  /** The first eight bytes of the name's SHA-256 (any fixed order of them would do). */
  private static long key(String name) {
    byte[] h;
    try {
      h = MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v = (v << 8) | (h[i] & 0xff);
    }
    return v;
  }
}
