package dev.stead.agent.resource;

import dev.stead.agent.resource.file.FileType;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The resource types this agent can converge, registered explicitly (no class-path scanning)
 * so the set is visible in one place and a test can hold it against
 * {@code ResourceTypes.all()}. Immutable and thread-safe.
 */
public final class ResourceTypeRegistry {
  private final Map<String, ResourceType> types;

  private ResourceTypeRegistry(List<ResourceType> list) {
    Map<String, ResourceType> map = new TreeMap<>();
    for (ResourceType type : list) {
      if (map.put(type.name(), type) != null) {
        throw new IllegalStateException("resource type registered twice: " + type.name());
      }
    }
    this.types = Collections.unmodifiableMap(map);
  }

  /** Every type the agent ships. */
  public static ResourceTypeRegistry standard() {
    return new ResourceTypeRegistry(List.of(new FileType()));
  }

  public Optional<ResourceType> find(String name) {
    return Optional.ofNullable(types.get(name));
  }

  /** Type names, sorted. */
  public List<String> names() {
    return List.copyOf(types.keySet());
  }
}
