package dev.stead.agent.engine;

import dev.stead.agent.resource.ResourceType;
import dev.stead.agent.resource.ResourceTypeRegistry;
import dev.stead.proto.v1.Catalog;
import dev.stead.proto.v1.PropertyException;
import dev.stead.wire.ResourceKey;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The drift exceptions a catalog carries: per resource, the properties an operator excepted
 * and until when. Which are in force is asked at run time, against the agent's own clock, so
 * a node that keeps enforcing a cached catalog resumes enforcement at the expiry by itself.
 * Immutable.
 */
public final class PropertyExceptions {
  private static final PropertyExceptions NONE = new PropertyExceptions(Map.of(), Map.of());

  private final Map<ResourceKey, List<PropertyException>> byResource;
  /** The type of each excepted resource, to bind it without its excepted parameters. */
  private final Map<ResourceKey, ResourceType> types;

  private PropertyExceptions(Map<ResourceKey, List<PropertyException>> byResource,
      Map<ResourceKey, ResourceType> types) {
    this.byResource = byResource;
    this.types = types;
  }

  /** The exceptions of {@code catalog}; those naming a malformed key are ignored. */
  static PropertyExceptions of(Catalog catalog, ResourceTypeRegistry registry) {
    if (catalog.getExceptionsCount() == 0) {
      return NONE;
    }
    Map<ResourceKey, List<PropertyException>> byResource = new HashMap<>();
    Map<ResourceKey, ResourceType> types = new HashMap<>();
    for (PropertyException e : catalog.getExceptionsList()) {
      ResourceKey key;
      try {
        key = ResourceKey.parse(e.getResource());
      } catch (IllegalArgumentException malformed) {
        continue; // the master only sends keys of the catalog's resources
      }
      Optional<ResourceType> type = registry.find(key.type());
      if (type.isEmpty()) {
        continue; // the resource fails as an unknown type anyway
      }
      byResource.computeIfAbsent(key, k -> new ArrayList<>()).add(e);
      types.put(key, type.get());
    }
    byResource.replaceAll((k, v) -> List.copyOf(v));
    return new PropertyExceptions(Collections.unmodifiableMap(byResource),
        Collections.unmodifiableMap(types));
  }

  /** The excepted properties of {@code key} still in force at {@code nowMs}, with their ids. */
  public Map<String, String> activeAt(ResourceKey key, long nowMs) {
    List<PropertyException> all = byResource.get(key);
    if (all == null) {
      return Map.of();
    }
    Map<String, String> active = new TreeMap<>();
    for (PropertyException e : all) {
      if (e.getExpiresAtMs() > nowMs) {
        active.put(e.getProperty(), e.getId());
      }
    }
    return active;
  }

  ResourceType type(ResourceKey key) {
    return types.get(key);
  }
}
