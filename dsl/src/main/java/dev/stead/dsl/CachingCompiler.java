package dev.stead.dsl;

import com.google.protobuf.ByteString;
import dev.stead.dsl.internal.FactReads;
import dev.stead.proto.v1.Catalog;
import dev.stead.proto.v1.CompileMemo;
import dev.stead.proto.v1.FactRead;
import dev.stead.proto.v1.Facts;
import dev.stead.wire.CatalogEncodings;
import dev.stead.wire.Values;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link Compiler} with a catalog cache that serves repeat requests without evaluating
 * any code. A compile records which fact paths it read; its catalog is stored under the
 * node name, the trusted data and the values found at exactly those paths. A later request
 * whose facts agree on those paths gets the stored catalog, whatever its other facts say
 * (uptime, free memory), because catalogs are deterministic: the same code and the same
 * inputs give the same catalog. A compile that collected exported resources or read the
 * fleet's facts is keyed by those too: by a digest of every resource of each collected type the
 * fleet exports, and of the fleet's allowed facts ({@link FleetView}), so that a node's catalog
 * changes at its next request once another node exports something new, and is served from
 * here while nothing changed.
 *
 * <p>The code version is not part of the key: one CachingCompiler wraps one loaded Compiler
 * (one version of code and data), and new code means a new Compiler and an empty cache. Data
 * lookups need no key of their own for the same reason: the data files are part of the loaded
 * code, and the facts a lookup's hierarchy reads ({@code os/%{facts.os.family}.yaml}) are
 * recorded like any other fact read.
 *
 * <p>Catalogs are held as their encoding ({@link CatalogEncodings}, the bytes sealing
 * computed: no serialization of its own), not as message objects: a 1,000-resource catalog
 * is one 400 KB array for the collector rather than tens of thousands of objects to trace
 * and copy, which, with facts changing at every run, kept G1 marking the old generation
 * without pause. A hit parses the bytes back (milliseconds at 1,000 resources); an agent
 * that holds the catalog is told so from the digest, without a parse. Bounded by the total
 * bytes held (least recently used out first) and by the number of distinct sets of fact paths
 * it tries per request. Failed
 * compiles are not cached: each is compiled again and reported to its node.
 *
 * <p>A catalog pushed out by the byte bound (or too big to hold at all) leaves its digest
 * behind under the same key, in a table bounded by count ({@link #DIGEST_ENTRIES}): an
 * agent that already holds that catalog can be told so ({@link #digest}) without a compile,
 * however many distinct catalogs the fleet has.
 *
 * <p>Beyond this process, each cacheable compile leaves a {@link CompileMemo} in a
 * {@link DigestMemory} (the master's store): what it read, a digest of what it found there,
 * and the catalog's digest, under an identity of the code and the compiler. A {@link #digest}
 * this cache cannot answer asks the memory, so a restarted master, or another one on the same
 * database, knows an unchanged catalog without compiling it. Thread-safe.
 */
public final class CachingCompiler {
  /** Default bound on the catalogs held, in bytes of their encodings. */
  public static final long DEFAULT_MAX_BYTES = 256L * 1024 * 1024;
  /** Sets of fact paths kept; code with more distinct branches caches only the first ones. */
  static final int MAX_READ_SETS = 64;
  /**
   * Digest-only entries kept (least recently used out first). Each takes about 430 bytes of
   * heap (measured: 24-character node names, three short fact values read; key, digest and
   * map entry), more with long fact values: 100,000 nodes take ~43 MB, a full table ~105 MB,
   * where their catalogs would take gigabytes.
   */
  public static final int DIGEST_ENTRIES = 250_000;

  private final Compiler compiler;
  private final long maxBytes;
  private final List<ReadSet> readSets = new CopyOnWriteArrayList<>();
  private final LinkedHashMap<Key, Held> catalogs = new LinkedHashMap<>(256, 0.75f, true);

  /** A catalog held: its encoding and its digest. */
  private record Held(byte[] encoding, String digest) {}
  private final LinkedHashMap<Key, String> digests = new LinkedHashMap<>(256, 0.75f, true);
  private final int maxDigests;
  private long bytes;
  private final AtomicLong hits = new AtomicLong();
  private final AtomicLong misses = new AtomicLong();
  private final DigestMemory memory;
  /** Which code and compiler compile here, as memos name it; null: keep no memos. */
  private final String identity;

  /** Identifies a catalog: which read set, and what the node and its facts were there. */
  private record Key(int readSet, String node, Trusted trusted, List<Object> observed) {}

  /** What one compile read: fact paths in a stable order, collected types, fleet facts. */
  private record ReadSet(List<Map.Entry<List<String>, Boolean>> facts,
      List<String> collectedTypes, boolean fleetFacts) {}

  public CachingCompiler(Compiler compiler) {
    this(compiler, DEFAULT_MAX_BYTES);
  }

  /** @param maxBytes the most serialized catalog bytes to hold (at least 1) */
  public CachingCompiler(Compiler compiler, long maxBytes) {
    this(compiler, maxBytes, DIGEST_ENTRIES);
  }

  /**
   * @param maxBytes the most serialized catalog bytes to hold (at least 1)
   * @param maxDigests the most digest-only entries to keep (0: none)
   */
  public CachingCompiler(Compiler compiler, long maxBytes, int maxDigests) {
    this(compiler, maxBytes, maxDigests, DigestMemory.NONE, null);
  }

  /**
   * As above, each cacheable compile leaving its memo in {@code memory}, and digests this
   * cache does not know looked up there. The memos name {@code identity}, which must change
   * with anything a compile's result depends on besides its inputs (the code, the
   * environment, Stead's own build); null: keep no memos.
   */
  public CachingCompiler(Compiler compiler, long maxBytes, int maxDigests,
      DigestMemory memory, String identity) {
    if (maxDigests < 0) {
      throw new IllegalArgumentException("maxDigests must be at least 0, got " + maxDigests);
    }
    this.maxDigests = maxDigests;
    this.compiler = Objects.requireNonNull(compiler, "compiler");
    if (maxBytes < 1) {
      throw new IllegalArgumentException("maxBytes must be at least 1, got " + maxBytes);
    }
    this.maxBytes = maxBytes;
    this.memory = Objects.requireNonNull(memory, "memory");
    this.identity = identity;
  }

  /** The wrapped compiler. */
  public Compiler compiler() {
    return compiler;
  }

  /**
   * The catalog for {@code node}: from the cache when an earlier compile for the same node
   * and trusted data read the same values, else compiled (and stored if it compiled).
   *
   * @throws CompileException as {@link Compiler#compile(String, Facts, Trusted)}
   */
  public Catalog compile(String node, Facts facts, Trusted trusted) throws CompileException {
    return serve(node, facts, trusted, FleetView.NONE).catalog();
  }

  /** A catalog and whether the cache served it. */
  public record Served(Catalog catalog, boolean fromCache) {}

  /** As {@link #compile}, saying whether the cache served the catalog. */
  public Served serve(String node, Facts facts, Trusted trusted) throws CompileException {
    return serve(node, facts, trusted, FleetView.NONE);
  }

  /**
   * As {@link #serve(String, Facts, Trusted)}, with {@code fleet} as what {@code collect} and
   * {@code fleetFacts} read.
   */
  public Served serve(String node, Facts facts, Trusted trusted, FleetView fleet)
      throws CompileException {
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(facts, "facts");
    Objects.requireNonNull(trusted, "trusted");
    Objects.requireNonNull(fleet, "fleet");
    Map<String, Object> values = Values.toJavaMap(facts.getValuesMap());
    for (int i = 0; i < readSets.size(); i++) {
      Catalog cached = get(key(i, readSets.get(i), node, trusted, values, fleet));
      if (cached != null) {
        hits.incrementAndGet();
        return new Served(cached, true);
      }
    }
    misses.incrementAndGet();
    Compiler.Recorded recorded = compiler.compileRecorded(node, values, trusted, fleet);
    int index = readSetIndex(readSetOf(recorded));
    if (index >= 0) {
      Key key = key(index, readSets.get(index), node, trusted, values, fleet);
      put(key, recorded.catalog());
      remember(key, readSets.get(index), recorded.catalog().getDigest());
    }
    return new Served(recorded.catalog(), false);
  }

  /**
   * The digest of the catalog a compile for {@code node} would give now, when the cache
   * knows it without evaluating code: a held catalog or a digest-only entry under the same
   * key (same code, node, trusted data, values at the paths read, fleet digests), or the
   * node's memo in the {@link DigestMemory} under the same identity and inputs. Empty when
   * only a compile can tell. Compiles nothing and counts as neither hit nor miss.
   */
  public Optional<String> digest(String node, Facts facts, Trusted trusted, FleetView fleet) {
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(trusted, "trusted");
    Objects.requireNonNull(fleet, "fleet");
    Map<String, Object> values = Values.toJavaMap(facts.getValuesMap());
    for (int i = 0; i < readSets.size(); i++) {
      String known = digestOf(key(i, readSets.get(i), node, trusted, values, fleet));
      if (known != null) {
        return Optional.of(known);
      }
    }
    return recall(node, trusted, values, fleet);
  }

  /**
   * The digest in {@code node}'s memo when it is this code's and its inputs are the ones
   * found now; kept in this cache's digest table from then on.
   */
  private Optional<String> recall(String node, Trusted trusted, Map<String, Object> values,
      FleetView fleet) {
    if (identity == null) {
      return Optional.empty();
    }
    Optional<CompileMemo> found = memoOf(memory, identity, node);
    if (found.isEmpty()) {
      return Optional.empty();
    }
    CompileMemo memo = found.get();
    int index = readSetIndex(readSetOf(memo));
    if (index < 0) {
      return Optional.empty();
    }
    Key key = key(index, readSets.get(index), node, trusted, values, fleet);
    if (!sameInputs(memo, node, trusted, key.observed())) {
      return Optional.empty();
    }
    synchronized (this) {
      if (!catalogs.containsKey(key)) {
        keepDigest(key, memo.getDigest());
      }
    }
    return Optional.of(memo.getDigest());
  }

  /**
   * The digest in {@code node}'s memo when it names {@code identity} and its inputs are the
   * ones found now: for a source whose code is still loading (no compiler, no cache yet) that
   * knows the identity its compiler will have. Empty when only a compile can tell.
   */
  public static Optional<String> digestFromMemo(DigestMemory memory, String identity,
      String node, Facts facts, Trusted trusted, FleetView fleet) {
    Objects.requireNonNull(memory, "memory");
    Objects.requireNonNull(identity, "identity");
    return memoOf(memory, identity, node).filter(memo -> sameInputs(memo, node, trusted,
        observed(readSetOf(memo), Values.toJavaMap(facts.getValuesMap()), fleet)))
        .map(CompileMemo::getDigest);
  }

  /** {@code node}'s memo in {@code memory} when it names {@code identity}. */
  private static Optional<CompileMemo> memoOf(DigestMemory memory, String identity,
      String node) {
    return memory.recall(node).filter(memo -> memo.getIdentity().equals(identity));
  }

  /** The reads a memo records, as this cache keys them. */
  private static ReadSet readSetOf(CompileMemo memo) {
    List<Map.Entry<List<String>, Boolean>> reads = new ArrayList<>();
    for (FactRead read : memo.getFactReadsList()) {
      reads.add(Map.entry(List.copyOf(read.getPathList()), read.getWhole()));
    }
    return new ReadSet(List.copyOf(reads), List.copyOf(memo.getCollectedTypesList()),
        memo.getFleetFacts());
  }

  private static boolean sameInputs(CompileMemo memo, String node, Trusted trusted,
      List<Object> observed) {
    Optional<byte[]> inputs = CompileInputs.sha256(node, trusted, observed);
    return inputs.isPresent()
        && Arrays.equals(inputs.get(), memo.getInputsSha256().toByteArray());
  }

  /** Leaves the memo of a compile under {@code key} in the memory. */
  private void remember(Key key, ReadSet readSet, String digest) {
    if (identity == null) {
      return;
    }
    Optional<byte[]> inputs = CompileInputs.sha256(key.node(), key.trusted(), key.observed());
    if (inputs.isEmpty()) {
      return;
    }
    CompileMemo.Builder memo = CompileMemo.newBuilder().setIdentity(identity)
        .addAllCollectedTypes(readSet.collectedTypes()).setFleetFacts(readSet.fleetFacts())
        .setInputsSha256(ByteString.copyFrom(inputs.get())).setDigest(digest);
    for (Map.Entry<List<String>, Boolean> read : readSet.facts()) {
      memo.addFactReads(FactRead.newBuilder().addAllPath(read.getKey())
          .setWhole(read.getValue()));
    }
    memory.remember(key.node(), memo.build());
  }

  /** Digest-only entries held now. */
  public synchronized int digestEntries() {
    return digests.size();
  }

  /** Requests served from the cache so far. */
  public long hits() {
    return hits.get();
  }

  /** Requests that had to be compiled so far. */
  public long misses() {
    return misses.get();
  }

  private static Key key(int index, ReadSet readSet, String node, Trusted trusted,
      Map<String, Object> facts, FleetView fleet) {
    return new Key(index, node, trusted, observed(readSet, facts, fleet));
  }

  /** What the facts and the fleet hold now where {@code readSet} read. */
  private static List<Object> observed(ReadSet readSet, Map<String, Object> facts,
      FleetView fleet) {
    List<Object> observed = new ArrayList<>(readSet.facts().size()
        + readSet.collectedTypes().size() + 1);
    for (Map.Entry<List<String>, Boolean> read : readSet.facts()) {
      observed.add(FactReads.observed(facts, read.getKey(), read.getValue()));
    }
    for (String type : readSet.collectedTypes()) {
      observed.add(fleet.exportsDigest(type));
    }
    if (readSet.fleetFacts()) {
      observed.add(fleet.factsDigest());
    }
    return observed;
  }

  /** What {@code recorded} read, in a stable order. */
  private static ReadSet readSetOf(Compiler.Recorded recorded) {
    List<Map.Entry<List<String>, Boolean>> sorted =
        new ArrayList<>(recorded.factPaths().entrySet());
    // A stable order, so the same reads in another order are the same set.
    sorted.sort(Map.Entry.comparingByKey((a, b) -> String.join("\u0000", a)
        .compareTo(String.join("\u0000", b))));
    List<String> types = new ArrayList<>(recorded.collectedTypes());
    types.sort(null);
    // Entries and lists compare by content, so a memo's reads equal these whatever classes.
    return new ReadSet(List.copyOf(sorted), List.copyOf(types), recorded.fleetFactsRead());
  }

  /** The index of this set of reads, added if new and there is room; -1 when full. */
  private synchronized int readSetIndex(ReadSet readSet) {
    int index = readSets.indexOf(readSet);
    if (index >= 0) {
      return index;
    }
    if (readSets.size() >= MAX_READ_SETS) {
      return -1;
    }
    readSets.add(readSet);
    return readSets.size() - 1;
  }

  private Catalog get(Key key) {
    Held held;
    synchronized (this) {
      held = catalogs.get(key);
    }
    // Parsed outside the lock: other requests need not wait for it.
    return held == null ? null : CatalogEncodings.parse(held.encoding());
  }

  private synchronized String digestOf(Key key) {
    Held held = catalogs.get(key);
    return held != null ? held.digest() : digests.get(key);
  }

  private void put(Key key, Catalog catalog) {
    byte[] encoding = CatalogEncodings.encoded(catalog);
    synchronized (this) {
      if (encoding.length > maxBytes) {
        keepDigest(key, catalog.getDigest());
        return;
      }
      digests.remove(key);
      Held previous = catalogs.put(key, new Held(encoding, catalog.getDigest()));
      bytes += encoding.length - (previous == null ? 0 : previous.encoding().length);
      Iterator<Map.Entry<Key, Held>> eldest = catalogs.entrySet().iterator();
      while (bytes > maxBytes && eldest.hasNext()) {
        Map.Entry<Key, Held> out = eldest.next();
        bytes -= out.getValue().encoding().length;
        eldest.remove();
        keepDigest(out.getKey(), out.getValue().digest());
      }
    }
  }

  private void keepDigest(Key key, String digest) {
    if (maxDigests == 0) {
      return;
    }
    digests.put(key, digest);
    Iterator<Key> eldest = digests.keySet().iterator();
    while (digests.size() > maxDigests && eldest.hasNext()) {
      eldest.next();
      eldest.remove();
    }
  }
}
