package dev.stead.master.schedule;

import dev.stead.proto.v1.RunSlot;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;

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

  private static final SlotTable EMPTY = new SlotTable(new Entry[0]);

  private final Entry[] entries;

  /**
   * A node and its place in the hash order. Compared directly (not through a chain of key
   * extractors): a start sorts the whole node list, 100,000 names on a large fleet, while
   * the JVM is still cold.
   */
  private record Entry(long key, String name) implements Comparable<Entry> {
    @Override
    public int compareTo(Entry other) {
      int byKey = Long.compare(key, other.key);
      return byKey != 0 ? byKey : name.compareTo(other.name);
    }
  }

  private SlotTable(Entry[] entries) {
    this.entries = entries;
  }

  public static SlotTable empty() {
    return EMPTY;
  }

  /** The slots of {@code names} (duplicates count once). */
  public static SlotTable of(Collection<String> names) {
    Set<String> unique = new HashSet<>(names);
    MessageDigest sha256 = sha256();
    Entry[] entries = new Entry[unique.size()];
    int at = 0;
    for (String name : unique) {
      entries[at++] = new Entry(key(sha256, Objects.requireNonNull(name, "node name")), name);
    }
    Arrays.sort(entries);
    return new SlotTable(entries);
  }

  /**
   * The table of nodes already in hash order ({@code keys[i]} the hash key of
   * {@code names[i]}, as {@link #keys} and {@link #names} give them): what a table written to
   * a file reads back as, without hashing or sorting again.
   *
   * @throws IllegalArgumentException when the lengths differ or the order is not strictly
   *     increasing (a damaged file)
   */
  static SlotTable ofOrdered(long[] keys, String[] names) {
    if (keys.length != names.length) {
      throw new IllegalArgumentException(keys.length + " keys for " + names.length + " names");
    }
    Entry[] entries = new Entry[keys.length];
    for (int i = 0; i < keys.length; i++) {
      entries[i] = new Entry(keys[i], Objects.requireNonNull(names[i], "node name"));
      if (i > 0 && entries[i - 1].compareTo(entries[i]) >= 0) {
        throw new IllegalArgumentException("node " + i + " is out of order");
      }
    }
    return new SlotTable(entries);
  }

  /** The nodes' hash keys, in the table's order. */
  long[] keys() {
    long[] keys = new long[entries.length];
    for (int i = 0; i < entries.length; i++) {
      keys[i] = entries[i].key();
    }
    return keys;
  }

  /** The nodes' names, in the table's order. */
  String[] names() {
    String[] names = new String[entries.length];
    for (int i = 0; i < entries.length; i++) {
      names[i] = entries[i].name();
    }
    return names;
  }

  /** How many nodes share the interval. */
  public int size() {
    return entries.length;
  }

  public boolean contains(String node) {
    return Arrays.binarySearch(entries, entryOf(node)) >= 0;
  }

  /**
   * The slot of {@code node}. A node not in the table gets the slot it would have were it
   * added (its place among the others, one more node in all): what the next table built with
   * it will give it, up to the other nodes that joined or left meanwhile.
   */
  public RunSlot slotOf(String node) {
    int at = Arrays.binarySearch(entries, entryOf(node));
    long rank = at >= 0 ? at : -at - 1;
    long nodes = at >= 0 ? entries.length : entries.length + 1L;
    return RunSlot.newBuilder()
        .setOffsetPpm((int) (rank * PPM / nodes))
        .setRank((int) rank)
        .setNodes((int) nodes)
        .build();
  }

  private static Entry entryOf(String node) {
    return new Entry(key(sha256(), node), node);
  }

  /** The first eight bytes of the name's SHA-256 (any fixed order of them would do). */
  private static long key(MessageDigest sha256, String name) {
    byte[] h = sha256.digest(name.getBytes(StandardCharsets.UTF_8));
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v = (v << 8) | (h[i] & 0xff);
    }
    return v;
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
