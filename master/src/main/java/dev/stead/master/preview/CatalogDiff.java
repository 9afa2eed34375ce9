package dev.stead.master.preview;

import static dev.stead.proto.v1.ResourceChangeKind.RESOURCE_ADDED;
import static dev.stead.proto.v1.ResourceChangeKind.RESOURCE_MODIFIED;
import static dev.stead.proto.v1.ResourceChangeKind.RESOURCE_REMOVED;

import dev.stead.proto.v1.Catalog;
import dev.stead.proto.v1.PropertyDiff;
import dev.stead.proto.v1.Resource;
import dev.stead.proto.v1.ResourceDiff;
import dev.stead.proto.v1.Value;
import dev.stead.wire.Catalogs;
import dev.stead.wire.UnifiedDiff;
import dev.stead.wire.Values;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The resources two catalogs of one node differ by: added, removed, and modified with each
 * parameter that differs; the resources it exports too, named {@code export type[title]}.
 * Values are rendered as {@link Values#render} shows them, so a secret is its reference,
 * never its plaintext or ciphertext (a catalog carries references only).
 * Multi-line text is shown as a bounded unified diff. Stateless.
 */
public final class CatalogDiff {
  /** How a change of the resource's own noop flag is named. */
  static final String NOOP = "noop";
  /** What names an exported resource: other nodes manage it, this one only offers it. */
  static final String EXPORT = "export ";

  private CatalogDiff() {}

  /** The differences from {@code current} to {@code next}, sorted by resource. */
  public static List<ResourceDiff> between(Catalog current, Catalog next) {
    Map<String, Resource> before = byKey(current);
    Map<String, Resource> after = byKey(next);
    TreeSet<String> keys = new TreeSet<>(before.keySet());
    keys.addAll(after.keySet());
    List<ResourceDiff> out = new ArrayList<>();
    for (String key : keys) {
      Resource was = before.get(key);
      Resource now = after.get(key);
      if (was == null) {
        out.add(ResourceDiff.newBuilder().setResource(key).setKind(RESOURCE_ADDED)
            .setSource(now.getSource()).build());
      } else if (now == null) {
        out.add(ResourceDiff.newBuilder().setResource(key).setKind(RESOURCE_REMOVED)
            .setSource(was.getSource()).build());
      } else if (!was.getParametersMap().equals(now.getParametersMap())
          || was.getNoop() != now.getNoop()) {
        out.add(ResourceDiff.newBuilder().setResource(key).setKind(RESOURCE_MODIFIED)
            .addAllProperties(properties(was, now)).setSource(now.getSource()).build());
      }
    }
    return out;
  }

  private static Map<String, Resource> byKey(Catalog catalog) {
    Map<String, Resource> out = new HashMap<>();
    for (Resource r : catalog.getResourcesList()) {
      out.put(Catalogs.key(r), r);
    }
    for (Resource r : catalog.getExportsList()) {
      out.put(EXPORT + Catalogs.key(r), r);
    }
    return out;
  }

  private static List<PropertyDiff> properties(Resource was, Resource now) {
    List<PropertyDiff> out = new ArrayList<>();
    if (was.getNoop() != now.getNoop()) {
      out.add(PropertyDiff.newBuilder().setProperty(NOOP)
          .setBefore(String.valueOf(was.getNoop())).setAfter(String.valueOf(now.getNoop()))
          .build());
    }
    TreeSet<String> names = new TreeSet<>(was.getParametersMap().keySet());
    names.addAll(now.getParametersMap().keySet());
    for (String name : names) {
      Value a = was.getParametersMap().get(name);
      Value b = now.getParametersMap().get(name);
      if (a == null || !a.equals(b)) {
        out.add(property(now.getTitle(), name, a, b));
      }
    }
    return out;
  }

  private static PropertyDiff property(String title, String name, Value a, Value b) {
    PropertyDiff.Builder diff = PropertyDiff.newBuilder().setProperty(name);
    if (multiLine(a) || multiLine(b)) {
      return diff.setDiff(UnifiedDiff.of(title, bytes(a), bytes(b))).build();
    }
    return diff.setBefore(a == null ? "" : Values.render(a))
        .setAfter(b == null ? "" : Values.render(b)).build();
  }

  private static boolean multiLine(Value v) {
    return v != null && v.getKindCase() == Value.KindCase.STRING_VALUE
        && v.getStringValue().indexOf('\n') >= 0;
  }

  /** The text a diff compares: a string as is, anything else (a secret too) as rendered. */
  private static byte[] bytes(Value v) {
    if (v == null) {
      return new byte[0];
    }
    String text = v.getKindCase() == Value.KindCase.STRING_VALUE ? v.getStringValue()
        : Values.render(v) + "\n";
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
