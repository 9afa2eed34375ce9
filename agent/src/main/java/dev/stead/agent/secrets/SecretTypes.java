package dev.stead.agent.secrets;

import dev.stead.agent.resource.ResourceType;
import dev.stead.agent.resource.ResourceTypeRegistry;
import java.util.ArrayList;
import java.util.List;

/**
 * Makes a registry secret-aware: every type is wrapped in a {@link SecretResourceType}, which
 * leaves resources without secrets to the type untouched. Stateless.
 */
public final class SecretTypes {
  private SecretTypes() {}

  public static ResourceTypeRegistry wrap(ResourceTypeRegistry registry, NodeSecrets secrets) {
    List<ResourceType> types = new ArrayList<>();
    for (String name : registry.names()) {
      types.add(new SecretResourceType(registry.find(name).orElseThrow(), secrets));
    }
    return ResourceTypeRegistry.of(types);
  }
}
