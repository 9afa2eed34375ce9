package dev.stead.agent.engine;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Struct;
import dev.stead.agent.fs.AtomicFiles;
import dev.stead.proto.v1.ChangeKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the last real (non-noop) run left behind, per resource and property: the desired value
 * and whether the property held it when the run ended. This is what tells drift from intended
 * change. Stored as a binary {@code google.protobuf.Struct} ({@code state/last_run.pb}; binary
 * because parsing JSON cost a cold agent a quarter of a second at 1,200 resources), shaped:
 *
 * <pre>{"version": 1, "catalogDigest": "sha256:…", "savedAtMs": …,
 *  "resources": {"file[/etc/motd]": {"content": {"desired": "sha256:…", "inSync": true}}}}</pre>
 *
 * A missing or unreadable file counts as "no previous run": everything is intended, which is
 * the safe mistake. Immutable.
 */
public final class DriftState {
  /** The recorded state of one property. */
  public record Entry(String desired, boolean inSync) {}

  private static final int VERSION = 1;

  private final Map<String, Map<String, Entry>> resources;

  private DriftState(Map<String, Map<String, Entry>> resources) {
    this.resources = resources;
  }

  public static DriftState empty() {
    return new DriftState(Map.of());
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
      return new DriftState(Collections.unmodifiableMap(out));
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
      if (o.noop() || o.result().status() == dev.stead.agent.resource.Result.Status.SKIPPED) {
        if (resources.containsKey(key)) {
          out.put(key, resources.get(key));
        }
        continue;
      }
      Map<String, Entry> entries = new TreeMap<>();
      o.result().desired().forEach((property, desired) ->
          entries.put(property, new Entry(desired, o.result().inSyncAfter(property))));
      out.put(key, Collections.unmodifiableMap(entries));
    }
    return new DriftState(Collections.unmodifiableMap(out));
  }

  /** Writes the state atomically (owner-only: it names every managed path). */
  public void save(Path file, String catalogDigest) throws IOException {
    Struct.Builder all = Struct.newBuilder();
    resources.forEach((key, props) -> {
      Struct.Builder p = Struct.newBuilder();
      props.forEach((name, e) -> p.putFields(name, struct(Struct.newBuilder()
          .putFields("desired", string(e.desired()))
          .putFields("inSync", com.google.protobuf.Value.newBuilder()
              .setBoolValue(e.inSync()).build()))));
      all.putFields(key, struct(p));
    });
    Struct root = Struct.newBuilder()
        .putFields("version", number(VERSION))
        .putFields("catalogDigest", string(catalogDigest))
        .putFields("savedAtMs", number(System.currentTimeMillis()))
        .putFields("resources", struct(all))
        .build();
    Files.createDirectories(file.getParent());
    AtomicFiles.writePrivate(file, root.toByteArray());
  }

  private static com.google.protobuf.Value struct(Struct.Builder s) {
    return com.google.protobuf.Value.newBuilder().setStructValue(s).build();
  }

  private static com.google.protobuf.Value string(String s) {
    return com.google.protobuf.Value.newBuilder().setStringValue(s).build();
  }

  private static com.google.protobuf.Value number(double d) {
    return com.google.protobuf.Value.newBuilder().setNumberValue(d).build();
  }
}
