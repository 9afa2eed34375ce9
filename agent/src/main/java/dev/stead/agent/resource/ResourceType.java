package dev.stead.agent.resource;

import dev.stead.proto.v1.Resource;

/** One resource type of the agent: binds catalog resources of its type. Stateless. */
public interface ResourceType {
  /** The type name as the catalog and {@code dev.stead.types.ResourceTypes} spell it. */
  String name();

  /**
   * Reads and validates {@code resource}'s parameters; the result may also implement
   * {@link CatalogAware} and {@link Refreshable}.
   */
  Checkable bind(Resource resource) throws InvalidResourceException;
}
