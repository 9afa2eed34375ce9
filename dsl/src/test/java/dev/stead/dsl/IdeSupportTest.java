package dev.stead.dsl;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.types.ResourceTypes;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class IdeSupportTest {
  private static final Path COMMITTED = Path.of("..", "docs", "ide", "stead.gdsl");

  @Test
  void theCommittedGdslIsCurrent() throws Exception {
    assertThat(Files.readString(COMMITTED))
        .as("docs/ide/stead.gdsl is stale (a resource type changed): regenerate it with"
            + " java -cp dsl/target/classes:<stead-proto jar> dev.stead.dsl.IdeSupport docs/ide/stead.gdsl")
        .isEqualTo(IdeSupport.gdsl());
  }

  @Test
  void everyResourceTypeAndParameterIsDescribed() {
    String gdsl = IdeSupport.gdsl();
    ResourceTypes.all().forEach(t -> {
      assertThat(gdsl).contains("method name: '" + t.name() + "'", "enclosingCall('" + t.name() + "')");
      t.parameters().forEach(p -> assertThat(gdsl).contains("method name: '" + p.name() + "'"));
    });
  }
}
