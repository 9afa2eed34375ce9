package dev.stead.agent.engine;

import dev.stead.proto.v1.Resource;
import dev.stead.proto.v1.Value;
import dev.stead.types.AutoEdge;
import dev.stead.types.ResourceTypeSpec;
import dev.stead.types.ResourceTypes;
import dev.stead.wire.ResourceKey;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The ordering edges users expect without writing them, as in Puppet's autorequire. Each type
 * declares its own in the schema ({@code ResourceTypeSpec.autoEdges}); this class only
 * resolves them against the catalog. An edge to a resource that is not in the catalog is
 * simply not made. Numeric ids ({@code owner => '0'}) never match a name. Stateless.
 */
public final class AutoEdges {
  private AutoEdges() {}

  /** The keys {@code resource} should wait for, limited to {@code managed}, sorted. */
  public static Set<ResourceKey> requiredBy(Resource resource, Set<ResourceKey> managed) {
    Optional<ResourceTypeSpec> spec = ResourceTypes.find(resource.getType());
    if (spec.isEmpty() || spec.get().autoEdges().isEmpty()) {
      return Set.of(); // no key built, no set sorted
    }
    List<ResourceKey> wanted = new ArrayList<>();
    for (AutoEdge edge : spec.get().autoEdges()) {
      if (edge.parameter() != null) {
        names(resource, edge.parameter())
            .forEach(n -> wanted.add(ResourceKey.of(edge.targetType(), n)));
      } else if (edge.parentOfTitle()) {
        nearestManagedAncestor(edge.targetType(), resource.getTitle(), managed)
            .ifPresent(wanted::add);
      } else {
        wanted.add(ResourceKey.of(edge.targetType(), resource.getTitle()));
      }
    }
    ResourceKey self = ResourceKey.of(resource.getType(), resource.getTitle());
    Set<ResourceKey> out = new TreeSet<>();
    for (ResourceKey k : wanted) {
      if (!k.equals(self) && managed.contains(k)) {
        out.add(k);
      }
    }
    return out;
  }

  /** The closest directory above {@code path} that the catalog manages as {@code type}. */
  private static Optional<ResourceKey> nearestManagedAncestor(String type, String path,
      Set<ResourceKey> managed) {
    if (!path.startsWith("/")) {
      return Optional.empty();
    }
    for (Path p = Path.of(path).getParent(); p != null; p = p.getParent()) {
      ResourceKey key = ResourceKey.of(type, p.toString());
      if (managed.contains(key)) {
        return Optional.of(key);
      }
    }
    return Optional.empty();
  }

  /** The non-numeric string values of {@code parameter} (a string or a list of strings). */
  private static List<String> names(Resource resource, String parameter) {
    Value v = resource.getParametersMap().get(parameter);
    if (v == null) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    if (v.getKindCase() == Value.KindCase.STRING_VALUE) {
      add(out, v.getStringValue());
    } else if (v.getKindCase() == Value.KindCase.LIST_VALUE) {
      for (Value item : v.getListValue().getValuesList()) {
        if (item.getKindCase() == Value.KindCase.STRING_VALUE) {
          add(out, item.getStringValue());
        }
      }
    }
    return out;
  }

  private static void add(List<String> out, String name) {
    if (!name.isEmpty() && !name.chars().allMatch(Character::isDigit)) {
      out.add(name);
    }
  }
}
