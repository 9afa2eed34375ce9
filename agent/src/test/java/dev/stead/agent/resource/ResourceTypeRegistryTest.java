package dev.stead.agent.resource;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.types.ResourceTypeSpec;
import dev.stead.types.ResourceTypes;
import org.junit.jupiter.api.Test;

class ResourceTypeRegistryTest {
  @Test
  void coversExactlyTheSharedTypeDescriptions() {
    assertThat(ResourceTypeRegistry.standard().names())
        .containsExactlyElementsOf(ResourceTypes.all().stream().map(ResourceTypeSpec::name)
            .toList());
  }

  @Test
  void everyTypeIsNamedAsItsSpec() {
    for (ResourceTypeSpec spec : ResourceTypes.all()) {
      assertThat(ResourceTypeRegistry.standard().find(spec.name()))
          .hasValueSatisfying(t -> assertThat(t.name()).isEqualTo(spec.name()));
    }
  }
}
