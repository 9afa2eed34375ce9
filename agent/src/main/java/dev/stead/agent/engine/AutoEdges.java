package dev.stead.agent.engine;

import dev.stead.proto.v1.Resource;
import dev.stead.proto.v1.Value;
import dev.stead.wire.ResourceKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The ordering edges users expect without writing them, as in Puppet's autorequire, decided
 * by the engine from parameter names so they hold for every type, present and future:
 *
 * <table>
 * <tr><th>resource</th><th>requires, when managed</th></tr>
 * <tr><td>any type but {@code user}/{@code group} with {@code owner => NAME}</td><td>{@code user[NAME]}</td></tr>
 * <tr><td>any type but {@code user}/{@code group} with {@code group => NAME}</td><td>{@code group[NAME]}</td></tr>
 * <tr><td>any type but {@code user} with {@code user => NAME} (exec, cron, ssh_key)</td><td>{@code user[NAME]}</td></tr>
 * <tr><td>{@code user} with {@code gid => NAME} or {@code groups => [NAMES]}</td><td>{@code group[NAME]}</td></tr>
 * <tr><td>{@code service[NAME]}</td><td>{@code pkg[NAME]}</td></tr>
 * <tr><td>{@code line} or {@code ssh_key} with {@code path => P}; {@code exec} with {@code cwd => P}</td><td>{@code file[P]}</td></tr>
 * </table>
 *
 * A file's managed parent directory comes from the file type itself ({@code AutoRequires}).
 * An edge to a resource that is not in the catalog is simply not made. Numeric ids
 * ({@code owner => '0'}) never match a name. Stateless.
 */
public final class AutoEdges {
  private AutoEdges() {}

  /** The keys {@code resource} should wait for, limited to {@code managed}, sorted. */
  public static Set<ResourceKey> requiredBy(Resource resource, Set<ResourceKey> managed) {
    List<ResourceKey> wanted = new ArrayList<>();
    String type = resource.getType();
    boolean account = type.equals("user") || type.equals("group");
    if (!account) {
      names(resource, "owner").forEach(n -> wanted.add(ResourceKey.of("user", n)));
      names(resource, "group").forEach(n -> wanted.add(ResourceKey.of("group", n)));
    }
    if (!type.equals("user")) {
      names(resource, "user").forEach(n -> wanted.add(ResourceKey.of("user", n)));
    }
    if (type.equals("user")) {
      names(resource, "gid").forEach(n -> wanted.add(ResourceKey.of("group", n)));
      names(resource, "groups").forEach(n -> wanted.add(ResourceKey.of("group", n)));
    }
    if (type.equals("service")) {
      wanted.add(ResourceKey.of("pkg", resource.getTitle()));
    }
    if (type.equals("line") || type.equals("ssh_key")) {
      names(resource, "path").forEach(p -> wanted.add(ResourceKey.of("file", p)));
    }
    if (type.equals("exec")) {
      names(resource, "cwd").forEach(p -> wanted.add(ResourceKey.of("file", p)));
    }
    if (wanted.isEmpty()) {
      return Set.of(); // most resources: no key built, no set sorted
    }
    ResourceKey self = ResourceKey.of(type, resource.getTitle());
    Set<ResourceKey> out = new TreeSet<>();
    for (ResourceKey k : wanted) {
      if (!k.equals(self) && managed.contains(k)) {
        out.add(k);
      }
    }
    return out;
  }

  /** The non-numeric string values of {@code parameter} (a string or a list of strings). */
  private static List<String> names(Resource resource, String parameter) {
    if (!resource.containsParameters(parameter)) {
      return List.of();
    }
    Value v = resource.getParametersMap().get(parameter);
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
