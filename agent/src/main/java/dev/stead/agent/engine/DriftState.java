package dev.stead.agent.engine;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Struct;
import dev.stead.agent.resource.Result;
import dev.stead.proto.v1.ChangeKind;
import dev.stead.wire.AtomicFiles;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the last real (non-noop) run left behind, per resource and property: the desired value
 * and whether the property held it when the run ended. This is what tells drift from intended
 * change. Stored in {@code state/last_run.pb} in a small binary form of its own: the magic
 * {@code STEADDS2}, then the catalog digest, the save time (ms) and, per resource, its key and
 * its properties (name, desired value, in sync), strings as length-prefixed UTF-8. It used to
 * be a binary {@code google.protobuf.Struct}; that is still read (an upgraded agent keeps
 * telling drift on its first run), but parsing it and setting up its descriptors cost a cold
 * agent ~25 ms at 1,200 resources.
 *
 * <p>A missing or unreadable file counts as "no previous run": everything is intended, which
 * is the safe mistake. Immutable.
 */
public final class DriftState {
  /** The recorded state of one property. */
  public record Entry(String desired, boolean inSync) {}

  private static final int VERSION = 1;
  private static final byte[] MAGIC = "STEADDS2".getBytes(StandardCharsets.US_ASCII);

  private final Map<String, Map<String, Entry>> resources;
  /** The digest recorded with a loaded state; null when nothing was loaded. */
  private final String catalogDigest;

  private DriftState(Map<String, Map<String, Entry>> resources, String catalogDigest) {
    this.resources = resources;
    this.catalogDigest = catalogDigest;
  }

  public static DriftState empty() {
    return new DriftState(Map.of(), null);
  }

  /** Reads {@code file}; see the class doc for missing or broken files. */
  public static DriftState load(Path file) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return empty();
    } catch (IOException e) {
      return empty();
    }
    if (bytes.length >= MAGIC.length
        && Arrays.equals(bytes, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
      return read(bytes);
    }
    return readStruct(bytes);
  }

  private static DriftState read(byte[] bytes) {
    ByteBuffer in = ByteBuffer.wrap(bytes, MAGIC.length, bytes.length - MAGIC.length);
    try {
      String digest = string(in);
      in.getLong(); // savedAtMs: for people reading the file, not for drift
      int n = in.getInt();
      Map<String, Map<String, Entry>> out = new HashMap<>(Math.max(16, n * 2));
      for (int i = 0; i < n; i++) {
        String key = string(in);
        int m = in.getInt();
        Map<String, Entry> entries = new HashMap<>(Math.max(4, m * 2));
        for (int j = 0; j < m; j++) {
          String name = string(in);
          entries.put(name, new Entry(string(in), in.get() != 0));
        }
        out.put(key, Collections.unmodifiableMap(entries));
      }
      return new DriftState(Collections.unmodifiableMap(out), digest);
    } catch (BufferUnderflowException | IllegalArgumentException e) {
      return empty();
    }
  }

  private static String string(ByteBuffer in) {
    int n = in.getInt();
    if (n < 0 || n > in.remaining()) {
      throw new IllegalArgumentException("damaged drift state");
    }
    String s = new String(in.array(), in.arrayOffset() + in.position(), n,
        StandardCharsets.UTF_8);
    in.position(in.position() + n);
    return s;
  }

  /** The format before {@code STEADDS2}: a {@code google.protobuf.Struct}. */
  private static DriftState readStruct(byte[] bytes) {
    try {
      Struct root = Struct.parseFrom(bytes);
      if ((int) root.getFieldsOrThrow("version").getNumberValue() != VERSION) {
        return empty();
      }
      Map<String, Map<String, Entry>> out = new TreeMap<>();
      root.getFieldsOrThrow("resources").getStructValue().getFieldsMap().forEach((key, props) -> {
        Map<String, Entry> entries = new TreeMap<>();
        props.getStructValue().getFieldsMap().forEach((name, v) -> {
          Struct e = v.getStructValue();
          entries.put(name, new Entry(e.getFieldsOrThrow("desired").getStringValue(),
              e.getFieldsOrThrow("inSync").getBoolValue()));
        });
        out.put(key, Collections.unmodifiableMap(entries));
      });
      // No digest: the next real run rewrites the file in the current format.
      return new DriftState(Collections.unmodifiableMap(out), null);
    } catch (InvalidProtocolBufferException | IllegalArgumentException e) {
      return empty();
    }
  }

  /**
   * Drift when the property was recorded in sync with the same desired value; otherwise the
   * change is intended (the catalog asked for something new, or there is no history).
   */
  public ChangeKind classify(String key, String property, String desired) {
    Entry e = resources.getOrDefault(key, Map.of()).get(property);
    return e != null && e.inSync() && e.desired().equals(desired)
        ? ChangeKind.DRIFT : ChangeKind.INTENDED;
  }

  public Map<String, Entry> entries(String key) {
    return resources.getOrDefault(key, Map.of());
  }

  /**
   * The state after a real run: resources that ran record their desired values and whether
   * they hold them now; resources that did not really run (skipped, or noop on their own)
   * keep their previous record; resources no longer in the catalog are forgotten.
   */
  public DriftState after(List<Outcome> outcomes) {
    Map<String, Map<String, Entry>> out = new TreeMap<>();
    for (Outcome o : outcomes) {
      String key = o.key().toString();
      if (o.noop() || o.result().status() == Result.Status.SKIPPED) {
        if (resources.containsKey(key)) {
          out.put(key, resources.get(key));
        }
        continue;
      }
      Map<String, Entry> before = resources.getOrDefault(key, Map.of());
      Map<String, Entry> entries = new TreeMap<>();
      o.result().desired().forEach((property, desired) ->
          entries.put(property, entryAfter(o, property, desired, before)));
      out.put(key, Collections.unmodifiableMap(entries));
    }
    return new DriftState(Collections.unmodifiableMap(out), null);
  }

  /**
   * The state after a real run of part of the catalog (the daemon's watch check): resources
   * that ran record their new state as in {@link #after}; every other record is kept, since
   * the run says nothing about resources it did not check.
   */
  public DriftState afterSome(List<Outcome> outcomes) {
    Map<String, Map<String, Entry>> out = new TreeMap<>(resources);
    DriftState ran = after(outcomes);
    out.putAll(ran.resources);
    return new DriftState(Collections.unmodifiableMap(out), null);
  }

  /**
   * Records the state {@link #afterSome} {@code outcomes} in {@code file}, unless nothing in
   * it would change.
   */
  public void saveAfterSome(List<Outcome> outcomes, Path file, String catalogDigest)
      throws IOException {
    DriftState next = afterSome(outcomes);
    if (this.catalogDigest != null && this.catalogDigest.equals(catalogDigest)
        && next.resources.equals(resources)) {
      return;
    }
    next.save(file, catalogDigest);
  }

  /**
   * Records the state {@link #after} {@code outcomes} in {@code file}, unless this state was
   * read from that file with the same catalog digest and would come out exactly the same:
   * then the file already says everything it would (only its {@code savedAtMs} would move),
   * and a no-change run neither builds the new state nor writes and syncs a file.
   */
  public void saveAfter(List<Outcome> outcomes, Path file, String catalogDigest)
      throws IOException {
    if (this.catalogDigest != null && this.catalogDigest.equals(catalogDigest)
        && unchangedBy(outcomes)) {
      return;
    }
    after(outcomes).save(file, catalogDigest);
  }

  /** True when {@code after(outcomes)} would hold exactly this state's entries. */
  boolean unchangedBy(List<Outcome> outcomes) {
    int kept = 0;
    for (Outcome o : outcomes) {
      String key = o.key().toString();
      Map<String, Entry> before = resources.get(key);
      if (o.noop() || o.result().status() == Result.Status.SKIPPED) {
        kept += before != null ? 1 : 0; // kept as it was, or still absent
        continue;
      }
      Map<String, String> desired = o.result().desired();
      if (before == null || before.size() != desired.size()) {
        return false;
      }
      for (Map.Entry<String, String> d : desired.entrySet()) {
        Entry e = before.get(d.getKey());
        if (e == null || !e.equals(entryAfter(o, d.getKey(), d.getValue(), before))) {
          return false;
        }
      }
      kept++;
    }
    // Every recorded resource must still be in the catalog (keys of outcomes are distinct).
    return kept == resources.size();
  }

  /**
   * What a run leaves recorded for one property. A property a drift exception held back keeps
   * the record it had: when the exception ends, its repair is the drift it was, not an
   * intended change.
   */
  private static Entry entryAfter(Outcome o, String property, String desired,
      Map<String, Entry> before) {
    if (o.heldBack(property)) {
      Entry kept = before.get(property);
      return kept != null ? kept : new Entry(desired, false);
    }
    return new Entry(desired, o.result().inSyncAfter(property));
  }

  /** Writes the state atomically (owner-only: it names every managed path). */
  public void save(Path file, String catalogDigest) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 * (resources.size() + 1));
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.write(MAGIC);
      string(out, catalogDigest);
      out.writeLong(System.currentTimeMillis());
      out.writeInt(resources.size());
      for (Map.Entry<String, Map<String, Entry>> r : new TreeMap<>(resources).entrySet()) {
        string(out, r.getKey());
        out.writeInt(r.getValue().size());
        for (Map.Entry<String, Entry> p : new TreeMap<>(r.getValue()).entrySet()) {
          string(out, p.getKey());
          string(out, p.getValue().desired());
          out.writeByte(p.getValue().inSync() ? 1 : 0);
        }
      }
    }
    Files.createDirectories(file.getParent());
    AtomicFiles.writePrivate(file, bytes.toByteArray());
  }

  private static void string(DataOutputStream out, String s) throws IOException {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    out.writeInt(b.length);
    out.write(b);
  }
}
